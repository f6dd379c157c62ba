/** @jsxImportSource preact */
// Small pieces every panel uses: an action with its progress and result, a
// copy button, a confirmation that says what will happen. Every value is
// rendered as text by Preact (never as HTML), whoever chose it.
import type {ComponentChildren} from 'preact';
import {useState} from 'preact/hooks';

/** What an action shows: nothing yet, in progress, done, or failed (in words). */
export type Progress = {state: 'idle'} | {state: 'busy'; text: string} | {state: 'done'; text: string} | {state: 'failed'; text: string};

/**
 * An action with its progress: `run` shows `busy` while `work` runs, then
 * `done` or the error's message; nothing is swallowed.
 *
 * @example
 * const [progress, run] = useAction();
 * run('Making the client…', () => call('POST', 'clients', body), 'Client made.');
 */
export function useAction(): [Progress, (busy: string, work: () => Promise<unknown>, done: string) => Promise<boolean>] {
	const [progress, setProgress] = useState<Progress>({state: 'idle'});
	const run = async (busy: string, work: () => Promise<unknown>, done: string) => {
		setProgress({state: 'busy', text: busy});
		try {
			await work();
			setProgress({state: 'done', text: done});
			return true;
		} catch (error) {
			setProgress({state: 'failed', text: error instanceof Error ? error.message : String(error)});
			return false;
		}
	};
	return [progress, run];
}

/** The progress line of an action: a polite status, or an alert for a failure. */
export function ProgressLine({progress}: {progress: Progress}) {
	if (progress.state === 'failed') {
		return (
			<p class="message failed" role="alert">
				{progress.text}
			</p>
		);
	}

	return (
		<p class={`message ${progress.state}`} role="status">
			{progress.state === 'idle' ? '' : progress.text}
		</p>
	);
}

/** A button that copies `text`, and says whether it did. */
export function CopyButton({text, label}: {text: string; label: string}) {
	const [said, setSaid] = useState('');
	const copy = () =>
		navigator.clipboard.writeText(text).then(
			() => setSaid('Copied.'),
			() => setSaid('The browser refused to copy: select the text and copy it.'),
		);
	return (
		<span class="copy">
			<button type="button" onClick={copy}>
				{label}
			</button>
			<span role="status" class="message">
				{said}
			</span>
		</span>
	);
}

/** A block of code with a copy button. */
export function CodeBlock({code, label}: {code: string; label: string}) {
	return (
		<div class="code">
			<pre tabIndex={0} aria-label={label}>
				<code>{code}</code>
			</pre>
			<CopyButton text={code} label={`Copy ${label}`} />
		</div>
	);
}

/** Asks before a change that cannot be undone, saying what it will do. */
export function Confirm({what, consequence, confirm, onConfirm, onCancel}: {what: string; consequence: ComponentChildren; confirm: string; onConfirm: () => void; onCancel: () => void}) {
	return (
		<div class="confirm" role="group" aria-label={what}>
			<p>{consequence}</p>
			<button type="button" class="danger" onClick={onConfirm}>
				{confirm}
			</button>{' '}
			<button type="button" onClick={onCancel} autoFocus>
				Cancel
			</button>
		</div>
	);
}

/** A time as the person's locale writes it, or a dash. */
export function when(at: string | null | undefined): string {
	return at ? new Date(at).toLocaleString() : '—';
}

/** A table's header row: one column heading each. */
export function TableHead({columns}: {columns: string[]}) {
	return (
		<thead>
			<tr>
				{columns.map((column) => (
					<th scope="col" key={column}>
						{column}
					</th>
				))}
			</tr>
		</thead>
	);
}
