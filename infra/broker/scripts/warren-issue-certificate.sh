# Issues this broker's TLS certificate (EC P-256, 30 days) from the fleet's
# certificate issuer, unless the current one has more than 10 days left
# (--force: issue anyway). Run at boot and daily by warren-issue-certificate.timer.
# The key is made here and never leaves the instance: the issuer gets a CSR,
# signed (SigV4) with this instance's role, and certifies the private IP and DNS
# name EC2 reports for the instance, whatever the CSR says. No CA key is here.
umask 077
if [ "${1:-}" != --force ] && [ -s "$TLS_DIR/cert.pem" ] &&
  openssl x509 -checkend $((10 * 24 * 3600)) -noout -in "$TLS_DIR/cert.pem" >/dev/null; then
  echo "warren-issue-certificate: $TLS_DIR/cert.pem is valid for more than 10 days"
  exit 0
fi

token=$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)
metadata() { curl -fsS -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"; }
role=$(metadata iam/security-credentials/)
credentials=$(metadata "iam/security-credentials/$role")
# One string field of a JSON object (the credentials, the issuer's answer): their
# values hold no quote, and the PEM's newlines come as \n.
field() { printf '%s' "$2" | sed -n "s/.*\"$1\" *: *\"\\([^\"]*\\)\".*/\\1/p"; }

# Memory-backed, and removed on exit: the new key never reaches a disk but the TLS directory's.
work=$(mktemp -d /run/warren-certificate.XXXXXX)
trap 'shred -u "$work"/* 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=warren-broker \
  -keyout key.pem -out request.csr
# PEM is base64 and dashes: escaping its newlines is all JSON needs.
printf '{"csrPem":"%s"}' "$(sed 's/$/\\n/' request.csr | tr -d '\n')" >request.json
# The role's keys reach curl as a config on stdin, never on its command line, where ps shows them.
if ! printf 'user = "%s:%s"\nheader = "x-amz-security-token: %s"\n' \
  "$(field AccessKeyId "$credentials")" "$(field SecretAccessKey "$credentials")" "$(field Token "$credentials")" |
  curl -sS --fail-with-body --retry 3 --max-time 60 -K - --aws-sigv4 "aws:amz:${REGION}:lambda" \
    -H 'content-type: application/json' --data-binary @request.json \
    -o answer.json "$ISSUER_URL"; then
  echo "warren-issue-certificate: the issuer refused: $(<answer.json)" >&2
  exit 1
fi
answer=$(<answer.json)
field certificatePem "$answer" | sed 's/\\n/\n/g' >cert.pem
field caCertificatePem "$answer" | sed 's/\\n/\n/g' >ca.pem
# Installed only if it chains to the CA and certifies the key made above.
openssl verify -CAfile ca.pem cert.pem >/dev/null
openssl x509 -noout -pubkey -in cert.pem | cmp -s - <(openssl pkey -pubout -in key.pem) ||
  { echo 'warren-issue-certificate: the certificate is not for this key' >&2; exit 1; }

install -d -o rabbitmq -g rabbitmq -m 0750 "$TLS_DIR"
install -o rabbitmq -g rabbitmq -m 0600 key.pem "$TLS_DIR/key.pem"
install -o rabbitmq -g rabbitmq -m 0644 cert.pem "$TLS_DIR/cert.pem"
install -o rabbitmq -g rabbitmq -m 0644 ca.pem "$TLS_DIR/ca.pem"
echo "warren-issue-certificate: issued $(openssl x509 -noout -enddate -in "$TLS_DIR/cert.pem")"
# A running node keeps serving the old files from its PEM cache until told otherwise.
if systemctl is-active --quiet rabbitmq-server; then
  rabbitmqctl -q eval 'ssl:clear_pem_cache().' >/dev/null
  echo "warren-issue-certificate: RabbitMQ reloads the new certificate"
fi
