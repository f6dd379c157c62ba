// The client a <SignetProvider> shares with its tree.
import { createContext } from 'react';
import type { Client } from 'signet-js';

/** The provider's client, or `null` outside any provider. */
export const SignetContext = createContext<Client | null>(null);
