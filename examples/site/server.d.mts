// Types of server.mjs, for test/demo.test.ts (the examples are plain JavaScript).

export const UMD_PATH: string;

export function startSite(options: {
	apiUrl: string;
	secret: string;
	tokenSecret: string;
	adminKey?: string;
	clientToken?: string;
	/** Signs the login cookie; random per start by default. */
	cookieKey?: string | Buffer;
	port?: number;
	host?: string;
	log?: (line: string) => void;
}): Promise<{url: string; port: number; close(): Promise<void>}>;
