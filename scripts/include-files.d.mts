/** `markdown` with every include block's content replaced by the file it names, read through `read`. */
export function includeFiles(markdown: string, read: (path: string) => string): string;
/** The markdown file at `file` with its includes brought up to date. */
export function includedFile(file: string): string;
