import type {Browser} from 'playwright-core';

export function chromiumPath(): string | undefined;
export const browserRequired: boolean;
export function launchChromium(): Promise<Browser>;
