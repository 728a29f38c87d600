# Sourced by the other scripts: points JAVA_HOME at a JDK >= 21 when the default java is older.
berth_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if [ -z "${JAVA_HOME:-}" ] || [ "$(berth_java_major "$JAVA_HOME")" -lt 21 ] 2>/dev/null; then
  for candidate in "${JAVA_HOME:-}" $(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")") /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(berth_java_major "$candidate")
    if [ "${major:-0}" -ge 21 ] 2>/dev/null; then export JAVA_HOME="$candidate"; break; fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || [ "$(berth_java_major "$JAVA_HOME")" -lt 21 ] 2>/dev/null; then
  echo "Berth needs a JDK 21 or newer; none found (set JAVA_HOME)." >&2
  exit 1
fi
export PATH="$JAVA_HOME/bin:$PATH"
