#!/usr/bin/env bash
# Makes sure the machine has what the local AWS needs outside npm: Java 11+ for DynamoDB Local
# (and, with --browser, Chromium for the console's browser tests). On Debian/Ubuntu as root it
# installs what is missing with apt-get; elsewhere it says what to install and stops.
set -euo pipefail

need_java=0
if ! command -v java >/dev/null 2>&1; then need_java=1; fi
# The e-invoice validation in the unit tests: xmllint (XML Schema) and Saxon-HE (Schematron XSLT);
# pdfdetach reads the XML embedded in the ZUGFeRD PDF.
need_einvoice=0
if ! command -v xmllint >/dev/null 2>&1 || [[ ! -f /usr/share/java/Saxon-HE.jar ]] || ! command -v pdfdetach >/dev/null 2>&1; then need_einvoice=1; fi
need_browser=0
if [[ "${1:-}" == "--browser" ]] && ! command -v chromium >/dev/null 2>&1; then need_browser=1; fi
# npm test also runs the README's walk-through as written (test/integration/readme-walkthrough.test.ts): curl, jq and the AWS CLI.
walkthrough=()
if [[ "${1:-}" == "--browser" ]]; then
  command -v curl >/dev/null 2>&1 || walkthrough+=(curl)
  command -v jq >/dev/null 2>&1 || walkthrough+=(jq)
  command -v aws >/dev/null 2>&1 || walkthrough+=(awscli)
fi
[[ $need_java == 0 && $need_browser == 0 && $need_einvoice == 0 && ${#walkthrough[@]} == 0 ]] && exit 0

packages=()
[[ $need_java == 1 ]] && packages+=(openjdk-17-jre-headless)
[[ $need_browser == 1 ]] && packages+=(chromium)
[[ $need_einvoice == 1 ]] && packages+=(libxml2-utils libsaxonhe-java poppler-utils)
packages+=("${walkthrough[@]}")

if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${packages[*]} from Debian's packages (needed by the local AWS)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${packages[@]}"
  echo "Installed ${packages[*]}."
else
  echo "The local AWS needs: ${packages[*]}" >&2
  echo "Install it, for example: sudo apt-get install -y ${packages[*]}  (macOS: brew install openjdk@17)" >&2
  exit 1
fi
