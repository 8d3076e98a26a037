# Issues this broker's TLS certificate (EC P-256, 30 days) signed by the fleet CA
# from Secrets Manager, unless the current one has more than 10 days left
# (--force: issue anyway). Run at boot and daily by warren-issue-certificate.timer.
umask 077
export PATH="$PATH:/snap/bin"
if [ "${1:-}" != --force ] && [ -s "$TLS_DIR/cert.pem" ] &&
  openssl x509 -checkend $((10 * 24 * 3600)) -noout -in "$TLS_DIR/cert.pem" >/dev/null; then
  echo "warren-issue-certificate: $TLS_DIR/cert.pem is valid for more than 10 days"
  exit 0
fi

token=$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)
metadata() { curl -fsS -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"; }
ip=$(metadata local-ipv4)
host=$(metadata local-hostname)

# Memory-backed, and removed on exit: the CA key never reaches a disk.
work=$(mktemp -d /run/warren-certificate.XXXXXX)
trap 'shred -u "$work"/* 2>/dev/null || true; rm -rf "$work"' EXIT
aws secretsmanager get-secret-value --region "$REGION" --secret-id "$CA_SECRET_ARN" \
  --query SecretString --output text >"$work/ca.json"
jq -ej .privateKeyPem "$work/ca.json" >"$work/ca.key"
jq -ej .certificatePem "$work/ca.json" >"$work/ca.pem"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$host" \
  -keyout "$work/key.pem" -out "$work/leaf.csr"
printf '%s\n' 'basicConstraints = critical, CA:FALSE' 'keyUsage = critical, digitalSignature' \
  'extendedKeyUsage = serverAuth' "subjectAltName = IP:$ip, DNS:$host" >"$work/leaf.ext"
openssl x509 -req -in "$work/leaf.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -sha256 -days 30 \
  -set_serial "0x$(openssl rand -hex 16)" -extfile "$work/leaf.ext" -out "$work/cert.pem"

install -d -o rabbitmq -g rabbitmq -m 0750 "$TLS_DIR"
install -o rabbitmq -g rabbitmq -m 0600 "$work/key.pem" "$TLS_DIR/key.pem"
install -o rabbitmq -g rabbitmq -m 0644 "$work/cert.pem" "$TLS_DIR/cert.pem"
install -o rabbitmq -g rabbitmq -m 0644 "$work/ca.pem" "$TLS_DIR/ca.pem"
echo "warren-issue-certificate: issued $(openssl x509 -noout -enddate -in "$TLS_DIR/cert.pem") for IP:$ip, DNS:$host"
# A running node keeps serving the old files from its PEM cache until told otherwise.
if systemctl is-active --quiet rabbitmq-server; then
  rabbitmqctl -q eval 'ssl:clear_pem_cache().' >/dev/null
  echo "warren-issue-certificate: RabbitMQ reloads the new certificate"
fi
