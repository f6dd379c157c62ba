/** @jsxImportSource preact */
// The console's entry: the page (GET …/console) has an empty <main> and loads this file.
import {render} from 'preact';
import {App} from './app';

render(<App />, document.getElementById('console')!);
