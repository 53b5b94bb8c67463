# Sourced by the CI scripts.

# Runs "$@" with no file descriptor above 2 open. For commands that start servers which outlive
# the script: a server that inherits a pipe (a caller's command substitution, the CI runner's
# own descriptors) keeps it open, and whoever waits for that pipe's end waits forever.
without_inherited_fds() {
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
    done
    exec "$@"
  )
}
