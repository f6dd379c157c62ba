// Types of demo.mjs, for test/demo.test.ts (the examples are plain JavaScript).

export const DEMO_CLIENT_TOKEN: 'ct_demo';
export const DEFAULT_SITE_PORT: number;
export const DEFAULT_API_PORT: number;

export type DemoVariables = {greeting: string; plan: string; unreadChangelog: number; checklist: Array<{title: string; done: boolean}>};

export function demoVariables(userId: string): DemoVariables;

export function signedPlanOver<T extends Record<string, unknown>>(variables: T, record: {metadata: Record<string, unknown>; signedKeys: string[]} | undefined): T;

export type RunningDemo = {siteUrl: string; apiUrl: string; consoleUrl: string; clientToken: string; ownerKey: string; store: 'memory' | 'PostgreSQL'; close(): Promise<void>};

export function startDemo(options?: {
	apiPort?: number;
	sitePort?: number;
	secret?: string;
	tokenSecret?: string;
	ownerKey?: string;
	masterKey?: string;
	log?: (line: string) => void;
	fallbackToFreePort?: boolean;
	databaseUrl?: string;
}): Promise<RunningDemo>;
