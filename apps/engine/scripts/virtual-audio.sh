#!/bin/sh
# Performia's virtual audio device, for machines without a sound card (CI, servers): a PulseAudio
# server whose sinks are real, paced devices for ALSA programs such as naudiodon/PortAudio (through
# ALSA's pulse plugin: the PortAudio devices "pulse" and "default").
#
#   performia_mic    what a performer plays into; its monitor is the default input (the mic)
#   performia_out    where the band plays; the default output; its monitor is the band alone
#   performia_stage  the room: a stereo sink that renders both, performer left and band right,
#                    on one clock, so a recording of its monitor shows exactly when the performer
#                    played and when the band answered (performia_mic and performia_out are
#                    mono channels of it: remap sinks, no resampling, no extra buffering)
#
# Usage: virtual-audio.sh start | stop | restart | env | status
#        virtual-audio.sh play FILE.wav            play a recording into the mic, paced in real time
#        virtual-audio.sh record FILE.wav SECS     record what the band plays (performia_out.monitor)
#        virtual-audio.sh record-stage FILE.wav SECS
#                                                 record the room: performer left, band right
#        virtual-audio.sh loopback on|off          route the output back into the mic (round trip)
# Programs find the server through PULSE_SERVER: eval "$(virtual-audio.sh env)".
# Environment: VIRTUAL_AUDIO_RATE (default 48000), VIRTUAL_AUDIO_DIR (default
# /tmp/performia-virtual-audio). Run as root on Debian, `start` installs the packages it needs
# (pulseaudio pulseaudio-utils libasound2-plugins alsa-utils).
set -eu
BASE=${VIRTUAL_AUDIO_DIR:-/tmp/performia-virtual-audio}
RATE=${VIRTUAL_AUDIO_RATE:-48000}
export XDG_RUNTIME_DIR="$BASE/run" HOME="$BASE/home"
export PULSE_SERVER="unix:$XDG_RUNTIME_DIR/pulse/native"

need_packages() {
  if command -v pulseaudio >/dev/null && command -v pactl >/dev/null && command -v paplay >/dev/null &&
     ls /usr/lib/*/alsa-lib/libasound_module_pcm_pulse.so >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "virtual-audio: installing pulseaudio pulseaudio-utils libasound2-plugins alsa-utils" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      pulseaudio pulseaudio-utils libasound2-plugins alsa-utils >/dev/null
  else
    echo "virtual-audio: needs the Debian packages pulseaudio pulseaudio-utils libasound2-plugins (run as root to install them)" >&2
    exit 2
  fi
}

running() { pactl info >/dev/null 2>&1; }
# The rate the running device was started at (recordings keep it: no resampling).
server_rate() { pactl list short sinks | awk '$2 == "performia_stage" { sub(/Hz/, "", $6); print $6 }'; }

start() {
  need_packages
  if running; then echo "virtual-audio: already running ($PULSE_SERVER)"; return 0; fi
  mkdir -p "$XDG_RUNTIME_DIR" "$HOME"
  chmod 700 "$XDG_RUNTIME_DIR"
  # Everything is set up before clients can connect (the native protocol is loaded last): a
  # program that reconnects while the server starts (a restart) finds the default devices ready.
  cat >"$BASE/server.pa" <<PA
load-module module-null-sink sink_name=performia_stage format=float32le rate=$RATE channels=2 channel_map=front-left,front-right norewinds=1
load-module module-remap-sink sink_name=performia_mic master=performia_stage format=float32le rate=$RATE channels=1 channel_map=mono master_channel_map=front-left remix=no
load-module module-remap-sink sink_name=performia_out master=performia_stage format=float32le rate=$RATE channels=1 channel_map=mono master_channel_map=front-right remix=no
load-module module-null-sink sink_name=performia_idle format=float32le rate=$RATE channels=1
set-default-sink performia_out
set-default-source performia_mic.monitor
# Keep-alive streams: without a low-latency client a null sink renders in 2 s chunks.
load-module module-loopback source=performia_idle.monitor sink=performia_mic latency_msec=1
load-module module-loopback source=performia_idle.monitor sink=performia_out latency_msec=1
load-module module-native-protocol-unix socket=$XDG_RUNTIME_DIR/pulse/native auth-anonymous=1
PA
  if ! pulseaudio -D -n -F "$BASE/server.pa" --exit-idle-time=-1 --disallow-exit --use-pid-file=yes \
    --log-target="file:$BASE/pulse.log" --log-level=notice; then
    echo "virtual-audio: the server did not start: $(tail -n 3 "$BASE/pulse.log" 2>/dev/null)" >&2
    exit 1
  fi
  i=0
  until running; do
    i=$((i + 1))
    if [ $i -gt 100 ]; then echo "virtual-audio: the server did not start, see $BASE/pulse.log" >&2; exit 1; fi
    sleep 0.1
  done
  # Ready once the stage renders in small periods. A null sink starts with one period of about
  # 2 s, until its first low-latency stream (the keep-alive loopbacks) takes effect; a stream
  # opened meanwhile underflowed about 80 times a second for the next 6-8 s (measured: 490-590
  # underflows in 12 s when opened 0-1 s after the start, none when opened after 2 s).
  i=0
  until [ "$(stage_latency_us)" -lt 50000 ] 2>/dev/null; do
    i=$((i + 1))
    if [ $i -gt 100 ]; then
      echo "virtual-audio: the stage still renders in long periods after 10 s (see $BASE/pulse.log); live runs may underflow at first" >&2
      break
    fi
    sleep 0.1
  done
  echo "virtual-audio: running, $RATE Hz; eval \"\$($0 env)\" to use it"
}

# The stage sink's current latency in microseconds (empty when it cannot be read).
stage_latency_us() {
  pactl list sinks | awk '/^\tName: / { stage = ($2 == "performia_stage") } stage && /^\tLatency: / { print $2; exit }'
}

stop() {
  pidfile="$XDG_RUNTIME_DIR/pulse/pid"
  pid=$(cat "$pidfile" 2>/dev/null || true)
  if running; then pulseaudio --kill 2>/dev/null || true; fi
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  # Until the process has gone, not only its socket: a server still exiting makes the next start
  # fail ("daemon already running").
  i=0
  while { running || { [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }; } && [ $i -lt 50 ]; do
    i=$((i + 1))
    sleep 0.1
  done
  echo "virtual-audio: stopped"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
restart) stop; start ;;
env) echo "export PULSE_SERVER=$PULSE_SERVER" ;;
status)
  if running; then pactl list short sinks; else echo "virtual-audio: not running"; exit 1; fi ;;
play) exec paplay --device=performia_mic "$2" ;;
record)
  exec timeout "$3" parecord --device=performia_out.monitor --format=float32le \
    --rate="$(server_rate)" --channels=1 --file-format=wav "$2" || true ;;
record-stage)
  exec timeout "$3" parecord --device=performia_stage.monitor --format=float32le \
    --rate="$(server_rate)" --channels=2 --channel-map=front-left,front-right --file-format=wav "$2" || true ;;
loopback)
  if [ "${2:-}" = on ]; then
    pactl load-module module-loopback source=performia_out.monitor sink=performia_mic latency_msec=1
  else
    for m in $(pactl list short modules | awk '/source=performia_out.monitor/ {print $1}'); do pactl unload-module "$m"; done
  fi ;;
*) sed -n '2,22p' "$0"; exit 2 ;;
esac
