# Runs the Ruby snippets of examples/backends/ruby for the tests:
#   harness.rb hash|token < test/vectors/signing.json   prints their results as one JSON line
#   PORT=… harness.rb serve                              serves the Sinatra route, with a test login
require "json"
SNIPPETS = File.expand_path("../../../examples/backends/ruby", __dir__)

def attempt
  {value: yield}
rescue StandardError => error # the snippet must raise; the test reads the message
  {error: "#{error.class}: #{error.message}"}
end

mode = ARGV[0]
if mode == "serve"
  require "webrick"
  require File.join(SNIPPETS, "app")
  SignetApp.post("/login") do
    session[:user_id] = request.body.read.force_encoding("UTF-8")
    204
  end
  SignetApp.run!(bind: "127.0.0.1", port: Integer(ENV.fetch("PORT")), server: "webrick", quiet: true)
  exit
end

vectors = JSON.parse($stdin.read)
if mode == "hash"
  require File.join(SNIPPETS, "signet_hash")
  out = {
    hashes: vectors["hashes"].map { |v| signet_hash(v["userId"], v["secret"], v["expiration"]) },
    refused: vectors["refused"].map { |v| attempt { signet_hash(v["userId"], v["secret"]) } },
  }
else
  require File.join(SNIPPETS, "signet_token")
  t = vectors["tokens"]
  keys = {"HS256" => [t["hs256"]["secret"], nil], "ES256" => [t["es256"]["privatePem"], "es-vectors"]}
  out = {
    tokens: keys.to_h { |alg, (key, kid)| [alg, t["users"].map { |u| signet_token(u["userId"], u["attributes"], alg, key, t["audience"], kid) }] },
    refused: vectors["refused"].map { |v| attempt { signet_token(v["userId"], {}, "HS256", v["secret"], t["audience"]) } },
  }
end
puts JSON.generate(out)
