set -E
export DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=l PATH="$PATH:/snap/bin"
exec > >(tee -a /var/log/warren-boot.log) 2>&1
log() { printf '%s warren-boot %s: %s\n' "$(date -u +%FT%TZ)" "$NODE_ID" "$*"; }
trap 'log "failed at line $LINENO (exit $?)"' ERR
# Removes the policy-rc.d this script writes while installing, whatever the outcome.
trap 'if grep -qs warren-boot /usr/sbin/policy-rc.d; then rm -f /usr/sbin/policy-rc.d; fi' EXIT
apt_get() { apt-get -y -q -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confold "$@"; }
ERLANG_PACKAGES=(erlang-base erlang-asn1 erlang-crypto erlang-eldap erlang-ftp erlang-inets
  erlang-mnesia erlang-os-mon erlang-parsetools erlang-public-key erlang-runtime-tools
  erlang-snmp erlang-ssl erlang-syntax-tools erlang-tftp erlang-tools erlang-xmerl)

# First, so that a boot that fails later still ships this log to CloudWatch.
start_cloudwatch_agent() {
  local ctl=/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl deb=/tmp/amazon-cloudwatch-agent.deb
  if [ ! -x "$ctl" ]; then
    log "installing the CloudWatch agent"
    curl -fsSL --retry 5 -o "$deb" https://amazoncloudwatch-agent.s3.amazonaws.com/ubuntu/amd64/latest/amazon-cloudwatch-agent.deb
    dpkg -i -E "$deb"
    rm -f "$deb"
  fi
  "$ctl" -a fetch-config -m ec2 -s -c file:/etc/warren/cloudwatch-agent.json
}

imds() {
  local token
  token=$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token)
  curl -fsS -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
}

install_aws_cli() {
  if ! command -v aws >/dev/null; then
    snap wait system seed.loaded
    snap install aws-cli --classic
  fi
}

# The instance attaches its retained data volume itself: a replacement instance
# waits until the one it replaces lets go of it. The volume is mounted before
# RabbitMQ is installed, so no node data is ever written to the root disk.
mount_data_volume() {
  local link="/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${DATA_VOLUME_ID//-/}"
  local me state holder device uuid waited=0
  me=$(imds instance-id)
  until [ -e "$link" ]; do
    if [ "$waited" -ge 900 ]; then
      log "data volume $DATA_VOLUME_ID did not appear at $link within 900 s; giving up"
      exit 1
    fi
    # Fails while the instance profile's credentials are not there yet: just try again.
    read -r state holder < <(aws ec2 describe-volumes --region "$REGION" --volume-ids "$DATA_VOLUME_ID" \
      --query 'Volumes[0].[State, Attachments[0].InstanceId]' --output text) || true
    if [ "$state" = available ]; then
      log "attaching data volume $DATA_VOLUME_ID"
      aws ec2 attach-volume --region "$REGION" --volume-id "$DATA_VOLUME_ID" --instance-id "$me" \
        --device /dev/sdf >/dev/null || true
    elif [ "$holder" != "$me" ]; then
      log "data volume $DATA_VOLUME_ID is $state, held by $holder; waiting"
    fi
    sleep 10
    waited=$((waited + 10))
  done
  device=$(readlink -f "$link")
  # -p probes the device itself (no cache): never format a volume that has data.
  if [ -z "$(blkid -p -o value -s TYPE "$device" || true)" ]; then
    log "formatting $device ($DATA_VOLUME_ID): it has no filesystem"
    mkfs.ext4 -q -L warren-data "$device"
  fi
  uuid=$(blkid -p -o value -s UUID "$device")
  if ! grep -q "^UUID=$uuid " /etc/fstab; then
    echo "UUID=$uuid /var/lib/rabbitmq ext4 defaults,nofail 0 2" >>/etc/fstab
    systemctl daemon-reload
  fi
  mkdir -p /var/lib/rabbitmq
  mountpoint -q /var/lib/rabbitmq || mount /var/lib/rabbitmq
  log "data volume $DATA_VOLUME_ID ($device) mounted at /var/lib/rabbitmq"
}

# Team RabbitMQ's apt repositories (Erlang and RabbitMQ), as its installation guide
# sets them up; /etc/apt/preferences.d/warren-rabbitmq (written above) pins the versions.
install_rabbitmq() {
  local keyring=/usr/share/keyrings/com.rabbitmq.team.gpg repo mirror version
  apt_get update
  apt_get install curl gnupg apt-transport-https openssl
  if [ ! -s "$keyring" ]; then
    curl -1sLf --retry 5 "https://keys.openpgp.org/vks/v1/by-fingerprint/0A9AF2115F4687BD29803A206B73A36E6026DFCA" |
      gpg --dearmor >"$keyring.tmp"
    mv "$keyring.tmp" "$keyring"
  fi
  for repo in rabbitmq-erlang rabbitmq-server; do
    for mirror in deb1 deb2; do
      echo "deb [arch=amd64 signed-by=$keyring] https://$mirror.rabbitmq.com/$repo/ubuntu/noble noble main"
    done
  done >/etc/apt/sources.list.d/rabbitmq.list
  apt_get update
  # The package would start a node at once; it is started below, once configured.
  printf '#!/bin/sh\n# warren-boot\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  apt_get install "${ERLANG_PACKAGES[@]}" rabbitmq-server
  rm -f /usr/sbin/policy-rc.d
  apt-mark hold rabbitmq-server "${ERLANG_PACKAGES[@]}" >/dev/null
  version=$(dpkg-query -W -f="\${Version}" rabbitmq-server)
  if [[ "$version" != "$RABBITMQ_VERSION"-* ]]; then
    log "installed rabbitmq-server $version, expected $RABBITMQ_VERSION"
    exit 1
  fi
  log "installed rabbitmq-server $version, erlang-base $(dpkg-query -W -f="\${Version}" erlang-base)"
}

start_rabbitmq() {
  # A replacement instance can get another uid for rabbitmq than the one that wrote the volume.
  chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
  systemctl daemon-reload
  systemctl enable rabbitmq-server
  systemctl start rabbitmq-server
  local waited=0
  until rabbitmq-diagnostics -q check_running >/dev/null 2>&1; do
    if [ "$waited" -ge 300 ]; then
      log "RabbitMQ is not running after 300 s"
      journalctl -u rabbitmq-server -n 30 --no-pager || true
      tail -n 30 /var/log/rabbitmq/rabbit@localhost.log || true
      exit 1
    fi
    sleep 5
    waited=$((waited + 5))
  done
  log "RabbitMQ is running"
}

log "boot script starting: RabbitMQ $RABBITMQ_VERSION, Erlang $ERLANG_MAJOR"
write_files
start_cloudwatch_agent
install_aws_cli
mount_data_volume
install_rabbitmq
/usr/local/sbin/warren-issue-certificate
start_rabbitmq
/usr/local/sbin/warren-sync-credentials
systemctl enable --now warren-issue-certificate.timer
log "broker ready: amqps on 5671, management https on 15671"
