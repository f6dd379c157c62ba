import {Router} from 'express';
import {signIdentity} from 'signet-js/server';

// GET /api/signet-identity, mounted after your login middleware (which sets
// request.user): the user of the session, never request.query, or the route
// would sign any id for anyone.
export const signetRouter = Router().get('/api/signet-identity', (request, response) => {
	if (!request.user) return response.sendStatus(401);
	const signed = signIdentity(request.user.id, process.env.SIGNET_SECRET, {expiration: new Date(Date.now() + 60 * 60 * 1000)});
	response.set('Cache-Control', 'no-store').json(signed); // {userId, hash, expiration}
});
