# Makes RabbitMQ's one user match the credentials secret: creates it or sets its
# password, tags it monitoring (the prober reads /api/health/checks/local-alarms),
# grants it vhost /, and deletes guest. Run at boot, and after rotating the secret:
#   aws ssm send-command --document-name AWS-RunShellScript \
#     --parameters commands=/usr/local/sbin/warren-sync-credentials --instance-ids <id>
export PATH="$PATH:/snap/bin"
secret=$(aws secretsmanager get-secret-value --region "$REGION" --secret-id "$CREDENTIALS_SECRET_ARN" \
  --query SecretString --output text)
username=$(printf '%s' "$secret" | jq -er .username)
password=$(printf '%s' "$secret" | jq -er .password)
users=$(rabbitmqctl -q list_users --formatter json)
has_user() { printf '%s' "$users" | jq -e --arg name "$1" 'any(.[]; .user == $name)' >/dev/null; }
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
