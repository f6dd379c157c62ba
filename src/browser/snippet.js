// The async snippet customers paste into <head> (dist/snippet.min.js once
// minified). Until signet.umd.js has loaded, window.Signet is a stub that
// records every call in both forms, as [method, args, resolve, reject], and
// answers each with a promise that settles when the call is replayed.
// Pasted twice, it loads the file once.
((w, d, name) => {
	if (w[name]) return;
	const queue = [];
	const stub = (w[name] = (...args) => {
		const promise = new Promise((resolve, reject) => queue.push([args.shift(), args, resolve, reject]));
		// A promise nobody looks at must not show up as an unhandled rejection.
		promise.catch(() => {});
		return promise;
	});
	'init identifyUser updateUser logout getIdentity getAnonymousId getVariable on'.split(' ').map((method) => (stub[method] = (...args) => stub(method, ...args)));
	stub.q = queue;
	const script = d.createElement('script');
	const nonce = d.currentScript?.nonce;
	script.async = true;
	script.src = 'SIGNET_UMD_URL';
	// Under a nonce-based CSP the injected script needs the snippet's nonce.
	if (nonce) script.nonce = nonce;
	d.head.append(script);
})(window, document, 'Signet');
