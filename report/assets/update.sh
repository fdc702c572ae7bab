#!/bin/sh
# update.sh refreshes the vendored Apache ECharts build that report.html
# inlines: it fetches the echarts package (and the zrender package bundled
# into its dist build) from the npm registry with `npm pack` and copies the
# minified browser build and its licence files here.
#
#   report/assets/update.sh            # the version in echarts.version
#   report/assets/update.sh 6.2.0      # another version
#
# Needs npm and tar. Review the diff and run the report tests afterwards
# (KBENCH_BROWSER_TESTS=1 go test ./report).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
version=${1:-$(cat "$here/echarts.version")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
npm pack --silent "echarts@$version" >/dev/null
mkdir echarts && tar -xzf "echarts-$version.tgz" -C echarts --strip-components=1
zrender=$(node -p 'require("./echarts/package.json").dependencies.zrender')
npm pack --silent "zrender@$zrender" >/dev/null
mkdir zrender && tar -xzf zrender-*.tgz -C zrender --strip-components=1

cp echarts/dist/echarts.min.js "$here/echarts.min.js"
cp echarts/LICENSE "$here/LICENSE"
cp echarts/NOTICE "$here/NOTICE"
cp echarts/licenses/LICENSE-d3 "$here/LICENSE-d3"
cp zrender/LICENSE "$here/LICENSE-zrender"
printf '%s\n' "$version" >"$here/echarts.version"

echo "echarts $version (zrender $zrender):"
sha256sum "$here/echarts.min.js" 2>/dev/null || shasum -a 256 "$here/echarts.min.js"
