require "json"
require "sinatra/base"
require "time"
require_relative "signet_hash"

class SignetApp < Sinatra::Base
  enable :sessions
  set :session_secret, ENV.fetch("SESSION_SECRET") # your app's own session key (64+ bytes), not Signet's

  get "/api/signet-identity" do
    # The user your login put in the session, never params: a route that signs any id is a signing oracle.
    user_id = session[:user_id] or halt 401
    # Exactly toISOString()'s form (milliseconds, Z): the page sends this string, and it is what is signed.
    expiration = (Time.now.utc + 3600).iso8601(3)
    content_type :json
    cache_control :no_store
    {userId: user_id.to_s, hash: signet_hash(user_id, ENV.fetch("SIGNET_SECRET"), expiration), expiration: expiration}.to_json
  end
end
