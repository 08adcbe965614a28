#!/usr/bin/env bash
# macOS release: ecrm.app (build.spec's BUNDLE), codesigned with the hardened runtime, notarised, stapled, in a
# .dmg. Run from the repository root in the project's venv:  packaging/macos/build.sh
# Signing: ECRM_MACOS_IDENTITY ("Developer ID Application: ..." in the keychain). Notarisation: ECRM_NOTARY_PROFILE
# (a `xcrun notarytool store-credentials` profile) or ECRM_APPLE_ID + ECRM_APPLE_TEAM_ID + ECRM_APPLE_PASSWORD
# (an app-specific password). Without an identity the app is ad-hoc signed and not notarised (and it says so).
set -euo pipefail
version=$(python -c "import ecrm_desktop; print(ecrm_desktop.__version__)")
app=build/pyinstaller/dist/ecrm.app
dmg=dist/ecrm-${version}.dmg

python -m PyInstaller --noconfirm --distpath build/pyinstaller/dist --workpath build/pyinstaller/work build.spec
QT_QPA_PLATFORM=offscreen "$app/Contents/MacOS/ecrm" --self-test

identity=${ECRM_MACOS_IDENTITY:--}
[ "$identity" = "-" ] && echo "ECRM_MACOS_IDENTITY is not set: ad-hoc signature, no notarisation." >&2
# Sign inside out: every library and the executable, then the bundle.
find "$app/Contents" -type f \( -name "*.so" -o -name "*.dylib" -o -perm -u+x \) -print0 |
  xargs -0 codesign --force --timestamp --options runtime --entitlements packaging/macos/entitlements.plist \
    --sign "$identity"
codesign --force --timestamp --options runtime --entitlements packaging/macos/entitlements.plist \
  --sign "$identity" "$app"
codesign --verify --deep --strict --verbose=2 "$app"

mkdir -p dist
rm -f "$dmg"
hdiutil create -volname ecrm -srcfolder "$app" -ov -format UDZO "$dmg"
if [ "$identity" != "-" ]; then
  codesign --force --timestamp --sign "$identity" "$dmg"
  if [ -n "${ECRM_NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$dmg" --keychain-profile "$ECRM_NOTARY_PROFILE" --wait
  else
    xcrun notarytool submit "$dmg" --apple-id "$ECRM_APPLE_ID" --team-id "$ECRM_APPLE_TEAM_ID" \
      --password "$ECRM_APPLE_PASSWORD" --wait
  fi
  xcrun stapler staple "$dmg"
  spctl --assess --type open --context context:primary-signature --verbose "$dmg"
fi
echo "$dmg"
