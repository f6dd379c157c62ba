// Types of server.mjs, for test/demo.test.ts (the examples are plain JavaScript).

export const UMD_PATH: string;

export function startSite(options: {
	apiUrl: string;
	secret: string;
	tokenSecret: string;
	clientToken?: string;
	port?: number;
	host?: string;
	log?: (line: string) => void;
}): Promise<{url: string; port: number; close(): Promise<void>}>;
