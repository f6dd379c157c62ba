// The async snippet customers paste into <head> (dist/snippet.min.js once
// minified). Until signet.umd.js has loaded, window.Signet is a stub that
// records every call in both forms and answers each with a promise that
// settles when the call is replayed. Pasted twice, it loads the file once.
(function (w, d, name) {
	if (w[name]) return;
	var queue = [];
	var record = function (method, args) {
		var call = [method, args];
		var promise = new Promise(function (resolve, reject) {
			call.push(resolve, reject);
		});
		// A promise nobody looks at must not show up as an unhandled rejection.
		promise.catch(function () {});
		queue.push(call);
		return promise;
	};
	var stub = function (method) {
		return record(method, [].slice.call(arguments, 1));
	};
	'init identifyUser updateUser logout getIdentity getAnonymousId getVariable on'.split(' ').forEach(function (method) {
		stub[method] = function () {
			return record(method, [].slice.call(arguments));
		};
	});
	stub.q = queue;
	w[name] = stub;
	var script = d.createElement('script');
	var current = d.currentScript;
	script.async = true;
	script.src = 'SIGNET_UMD_URL';
	// Under a nonce-based CSP the injected script needs the snippet's nonce.
	if (current && current.nonce) script.nonce = current.nonce;
	(d.head || d.documentElement).appendChild(script);
})(window, document, 'Signet');
