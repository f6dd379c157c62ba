/** A relative link that leads nowhere: its file, line, target and why. */
export type DeadLink = {file: string; line: number; target: string; reason: string};
/** The anchors GitHub makes for the headings of `markdown`. */
export function anchorsOf(markdown: string): Set<string>;
/** Each dead relative link of the markdown file at `file`. */
export function deadLinks(file: string): DeadLink[];
