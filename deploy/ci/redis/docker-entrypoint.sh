#!/bin/sh
# Entrypoint of the CI Redis image. Debian's /etc/redis/redis.conf is not
# used (it daemonizes and binds 127.0.0.1); without a config file
# redis-server listens on every interface, and protected mode, which would
# refuse every other container since no password is set, is turned off as
# the official image does.
set -eu
case "${1:-}" in
-* | *.conf) set -- redis-server "$@" ;;
esac
if [ "${1:-}" = redis-server ]; then
	case " $* " in
	*" --protected-mode "*) ;; # the caller decides
	*) set -- "$@" --protected-mode no ;;
	esac
fi
exec "$@"
