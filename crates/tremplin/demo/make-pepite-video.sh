#!/bin/sh
# Makes the demo pépites' small video and poster (run once; the outputs are committed).
# Needs Debian's ffmpeg. Six seconds, 320×180, a title card and a tone: a few dozen KB.
set -eu
cd "$(dirname "$0")"
ffmpeg -y -loglevel error -f lavfi -i "color=c=0x123c69:size=320x180:rate=12:duration=6,drawbox=x=20:y=70:w=280:h=40:color=0xf4b400:t=fill" \
  -f lavfi -i sine=frequency=330:duration=6:sample_rate=16000 -shortest \
  -c:v libx264 -preset veryfast -crf 32 -pix_fmt yuv420p -c:a aac -b:a 24k -ac 1 -movflags +faststart pepite.mp4
ffmpeg -y -loglevel error -ss 1 -i pepite.mp4 -frames:v 1 -q:v 5 pepite-affiche.jpg
