require "jwt" # gem install jwt, or Debian's ruby-jwt

# An identity token: HS256 with a token secret (never a hash secret), ES256 with a PEM private key.
def signet_token(user_id, attributes, algorithm, key, audience, key_id = nil, expires_in = 3600)
  user_id = user_id.to_s
  raise ArgumentError, "signet_token: the key is empty (is SIGNET_TOKEN_SECRET set?)" if key.nil? || key.empty?
  raise ArgumentError, "signet_token: the user id is empty or has a control character" if user_id.empty? || user_id.match?(/[\x00-\x1f\x7f]/)

  signing_key = algorithm == "HS256" ? key : OpenSSL::PKey.read(key)
  now = Time.now.to_i
  claims = {sub: user_id, aud: audience, iat: now, exp: now + expires_in, attributes: attributes}
  JWT.encode(claims, signing_key, algorithm, key_id.nil? ? {typ: "JWT"} : {typ: "JWT", kid: key_id})
end
