# Makes RabbitMQ's one user match the credentials secret: creates it or sets its
# password, tags it monitoring (the prober reads /api/health/checks/local-alarms),
# grants it vhost /, and deletes guest. Run at boot, and after rotating the secret:
#   aws ssm send-command --document-name AWS-RunShellScript \
#     --parameters commands=/usr/local/sbin/warren-sync-credentials --instance-ids <id>
export PATH="$PATH:/snap/bin"
secret=$(aws secretsmanager get-secret-value --region "$REGION" --secret-id "$CREDENTIALS_SECRET_ARN" \
  --query SecretString --output text)
# The secret is {"username","password"}, both URL-safe because they go into amqps://
# URLs: no quote or backslash to unescape, so sed reads them (no jq on the broker).
field() { printf '%s' "$secret" | sed -n "s/.*\"$1\" *: *\"\\([^\"]*\\)\".*/\\1/p"; }
username=$(field username)
password=$(field password)
URL_SAFE='^[A-Za-z0-9._~-]+$'
if ! [[ "$username" =~ $URL_SAFE && "$password" =~ $URL_SAFE ]]; then
  echo 'warren-sync-credentials: the secret needs URL-safe values' >&2
  exit 1
fi
# grep reads to the end (no -q): an early exit would fail the pipeline under pipefail.
has_user() { rabbitmqctl -q list_users --no-table-headers | cut -f1 | grep -xF -- "$1" >/dev/null; }
# The password goes through stdin: never on a command line, where ps would show it.
if has_user "$username"; then
  printf '%s\n' "$password" | rabbitmqctl -q change_password "$username" >/dev/null
  echo "warren-sync-credentials: set the password of $username"
else
  printf '%s\n' "$password" | rabbitmqctl -q add_user "$username" >/dev/null
  echo "warren-sync-credentials: created $username"
fi
rabbitmqctl -q set_user_tags "$username" monitoring >/dev/null
rabbitmqctl -q set_permissions -p / "$username" '.*' '.*' '.*' >/dev/null
if has_user guest; then
  rabbitmqctl -q delete_user guest >/dev/null
  echo "warren-sync-credentials: deleted guest"
fi
