#!/usr/bin/env bash
# Builds the api, migrate, worker and web images from infrastructure/Dockerfile.
#
#   infrastructure/build.sh                 # tag = current git commit (short), also :latest
#   IMAGE_TAG=v1.4.0 infrastructure/build.sh
#   PUSH=1 IMAGE_PREFIX=registry.example.com/sentrypulse infrastructure/build.sh
#
# One build stage is shared by all targets, so the workspace installs and compiles once.
# The tags match docker-compose.yml (${IMAGE_PREFIX}-api:${IMAGE_TAG} ...), so `docker compose up`
# runs exactly what was built here.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"

command -v docker >/dev/null 2>&1 || die "docker is not installed"
IMAGE_PREFIX="${IMAGE_PREFIX:-sentrypulse}"
if [ -z "${IMAGE_TAG:-}" ]; then
  IMAGE_TAG="$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null)" || die "not a git checkout: set IMAGE_TAG"
  # A dirty tree gets a tag that says so, never the clean commit's tag.
  [ -z "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ] || IMAGE_TAG="$IMAGE_TAG-dirty"
fi
[[ "$IMAGE_TAG" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "IMAGE_TAG \"$IMAGE_TAG\" is not a valid image tag"
export IMAGE_PREFIX IMAGE_TAG DOCKER_BUILDKIT=1

declare -A images=(
  [api]="$IMAGE_PREFIX-api:$IMAGE_TAG"
  [migrate]="$IMAGE_PREFIX-api:$IMAGE_TAG-migrate"
  [worker]="$IMAGE_PREFIX-worker:$IMAGE_TAG"
  [web]="$IMAGE_PREFIX-web:$IMAGE_TAG"
)
revision="$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
for target in api migrate worker web; do
  image="${images[$target]}"
  log "building $target -> $image"
  docker build \
    --file "$here/Dockerfile" \
    --target "$target" \
    --tag "$image" \
    --label "org.opencontainers.image.revision=$revision" \
    --label "org.opencontainers.image.version=$IMAGE_TAG" \
    "$root" >&2
  # ${image%:*} strips the tag only (a registry host may carry a :port).
  [ "$target" = migrate ] && latest="${image%:*}:latest-migrate" || latest="${image%:*}:latest"
  docker tag "$image" "$latest"
  if [ "${PUSH:-0}" = 1 ]; then
    docker push "$image" >&2
  fi
done
log "built tag $IMAGE_TAG"
printf '%s\n' "$IMAGE_TAG"
