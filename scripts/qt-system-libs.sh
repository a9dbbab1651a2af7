# Sourced by scripts/run.sh before the window opens: Qt's X11 platform plugin (xcb) needs
# system libraries that a fresh Linux machine may lack. Find the missing ones; install them
# when we can (root with apt-get), else say exactly what to install. Quick when all is there.
qt_system_libs() {
  [ "$(uname -s)" = "Linux" ] || return 0
  case "${QT_QPA_PLATFORM:-}" in offscreen|minimal) return 0 ;; esac
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "DR Twin is a desktop application and no display was found (DISPLAY is not set)." >&2
    echo "Run it on a desktop, or headless: scripts/run.sh run scenarios/default.yaml," >&2
    echo "or scripts/run.sh gui scenarios/default.yaml --screenshot out.png --at 2h" >&2
    exit 1
  fi
  local qt plugin missing pkgs=()
  qt="$(.venv/bin/python -c 'import PySide6, os; print(os.path.dirname(PySide6.__file__))')"
  plugin="$qt/Qt/plugins/platforms/libqxcb.so"
  [ -f "$plugin" ] || return 0
  missing="$( (ldd "$plugin"; ldd "$qt/Qt/lib/libQt6XcbQpa.so.6" 2>/dev/null) \
              | awk '/not found/ {print $1}' | sort -u)"
  # loaded at run time, not linked: Qt 6.5+ refuses xcb without it
  ldconfig -p 2>/dev/null | grep -q 'libxcb-cursor\.so\.0' || missing="$missing libxcb-cursor.so.0"
  [ -n "${missing// /}" ] || return 0
  for lib in $missing; do
    case "$lib" in
      libxcb-cursor.so.0) pkgs+=(libxcb-cursor0) ;;
      libxcb-icccm.so.4) pkgs+=(libxcb-icccm4) ;;
      libxcb-keysyms.so.1) pkgs+=(libxcb-keysyms1) ;;
      libxcb-image.so.0) pkgs+=(libxcb-image0) ;;
      libxcb-render-util.so.0) pkgs+=(libxcb-render-util0) ;;
      libxcb-xinerama.so.0) pkgs+=(libxcb-xinerama0) ;;
      libxcb-randr.so.0) pkgs+=(libxcb-randr0) ;;
      libxcb-shape.so.0) pkgs+=(libxcb-shape0) ;;
      libxcb-xkb.so.1) pkgs+=(libxcb-xkb1) ;;
      libxcb-util.so.1) pkgs+=(libxcb-util1) ;;
      libxkbcommon-x11.so.0) pkgs+=(libxkbcommon-x11-0) ;;
      libxkbcommon.so.0) pkgs+=(libxkbcommon0) ;;
      libX11-xcb.so.1) pkgs+=(libx11-xcb1) ;;
      libEGL.so.1) pkgs+=(libegl1) ;;
      libGL.so.1|libOpenGL.so.0|libGLX.so.0) pkgs+=(libgl1) ;;
      libfontconfig.so.1) pkgs+=(libfontconfig1) ;;
      libdbus-1.so.3) pkgs+=(libdbus-1-3) ;;
      *) echo "Qt needs $lib, which this machine lacks." >&2 ;;
    esac
  done
  [ ${#pkgs[@]} -gt 0 ] || return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing the system libraries Qt needs for a window: ${pkgs[*]}…"
    apt-get install -y -q "${pkgs[@]}" >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "${pkgs[@]}" >/dev/null; }
  else
    echo "Qt needs these system libraries to open a window: ${pkgs[*]}" >&2
    echo "Install them (e.g. sudo apt-get install ${pkgs[*]}), then run this again." >&2
    exit 1
  fi
}
