import type { IdentityResult, IdentityState, SignetEvent, SignetEvents } from './identity';
import type { InitOptions, Metadata, IdentityProof } from './options';

/**
 * What `getVariable` answers for a fallback of type `T`: a literal type
 * widened to its primitive (`'Welcome!'` → `string`, `3` → `number`), so
 * `const greeting: string = getVariable('greeting', 'Welcome!')` needs no
 * cast. Pass the type yourself for anything else: `getVariable<string | null>('x', null)`.
 *
 * @example
 * type Greeting = Widen<'Welcome!'>; // string
 */
export type Widen<T> = T extends string ? string : T extends number ? number : T extends boolean ? boolean : T extends bigint ? bigint : T;

/** One Signet instance: what `createClient()` answers, and what the named exports use. */
export type Client = {
	/** Configures the client; with `options.user`, identifies that user too. */
	init(options: InitOptions): Promise<void>;
	/** Tells the API who the user is, with the hash your server signed. */
	identifyUser(userId: string | number, metadata?: Metadata, verification?: IdentityProof): Promise<IdentityResult>;
	/** Changes the identified user's metadata; needs no new hash. */
	updateUser(metadata: Metadata): Promise<IdentityResult>;
	/** Forgets the user, revokes the session and starts a new anonymous id. */
	logout(): Promise<void>;
	/** Who the SDK is talking for, right now. */
	getIdentity(): IdentityState;
	/** This browser's anonymous id ('' before `init()`). */
	getAnonymousId(): string;
	/**
	 * A personalised variable; the fallback unless the identity is verified
	 * and has it. Typed as the fallback's (widened) type: the API's
	 * variables are yours to keep consistent with the fallbacks you use.
	 */
	getVariable<T>(name: string, fallback: T): Widen<T>;
	/** Listens to `identified`, `rejected`, `error`, `expiring`, `change` or `logout`; answers the unsubscribe function. */
	on<E extends SignetEvent>(event: E, handler: (payload: SignetEvents[E]) => void): () => void;
	/** Settles once `init()` (and its `user`, if any) has settled; never rejects. */
	readonly ready: Promise<void>;
};
