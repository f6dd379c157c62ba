require "openssl"

# HMAC-SHA256 of the user id (and "\n" + expiration), keyed with the secret's UTF-8 bytes, as hex.
def signet_hash(user_id, secret, expiration = nil)
  user_id = user_id.to_s
  raise ArgumentError, "signet_hash: the secret is empty (is SIGNET_SECRET set?)" if secret.nil? || secret.empty?
  raise ArgumentError, "signet_hash: the user id is empty or has a control character" if user_id.empty? || user_id.match?(/[\x00-\x1f\x7f]/)

  message = expiration.nil? ? user_id : "#{user_id}\n#{expiration}"
  OpenSSL::HMAC.hexdigest("SHA256", secret.encode("UTF-8"), message.encode("UTF-8"))
end
