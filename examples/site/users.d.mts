// Types of users.mjs (the examples are plain JavaScript).

export type DemoUser = {login: string; id: number; name: string; email: string; plan: string};

export const USERS: ReadonlyArray<DemoUser>;

export function userByLogin(login: string): DemoUser | undefined;
