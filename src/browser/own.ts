// Reads only what an object itself holds. Page code (or a prototype
// pollution bug in a library) can add properties to Object.prototype; an
// option read as options.fetch would then find Object.prototype.fetch and
// hand it every request, hash included.

/**
 * `object[name]` when `object` has that property itself, else `undefined`
 * (also for `null` and `undefined`): never a value it inherits.
 *
 * @example
 * Object.prototype.fetch = spy;
 * own({}, 'fetch') // undefined
 */
export const own = (object: unknown, name: PropertyKey): any => (object != null && Object.hasOwn(object, name) ? (object as any)[name] : undefined);
