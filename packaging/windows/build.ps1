# Windows release: frozen app, Authenticode-signed ecrm.exe and installer, self-test of the frozen app.
# Run from the repository root in the project's venv:  pwsh packaging/windows/build.ps1
# Code signing certificate: ECRM_SIGN_PFX (path to a .pfx) and ECRM_SIGN_PFX_PASSWORD; without them the build
# is unsigned (and says so). Needs Inno Setup 6 (iscc.exe) and the Windows SDK's signtool.exe on PATH.
$ErrorActionPreference = "Stop"
$version = (python -c "import ecrm_desktop; print(ecrm_desktop.__version__)").Trim()
$timestamp = "http://timestamp.digicert.com"

python -m PyInstaller --noconfirm --distpath build/pyinstaller/dist --workpath build/pyinstaller/work build.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

$env:QT_QPA_PLATFORM = "offscreen"
& build/pyinstaller/dist/ecrm/ecrm.exe --self-test
if ($LASTEXITCODE -ne 0) { throw "the frozen app failed its self-test" }

$isccArgs = @("/DAppVersion=$version", "packaging/windows/ecrm.iss")
if ($env:ECRM_SIGN_PFX) {
    $sign = "signtool.exe sign /fd SHA256 /td SHA256 /tr $timestamp /f `"$env:ECRM_SIGN_PFX`" /p `"$env:ECRM_SIGN_PFX_PASSWORD`""
    Invoke-Expression "$sign build/pyinstaller/dist/ecrm/ecrm.exe"
    $isccArgs = @("/DSignTool", "/Ssigntool=$sign `$f") + $isccArgs
} else {
    Write-Warning "ECRM_SIGN_PFX is not set: the installer is NOT Authenticode-signed."
}
iscc.exe @isccArgs
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
if ($env:ECRM_SIGN_PFX) { signtool.exe verify /pa /v "dist/ecrm-setup-$version.exe" }
Write-Output "dist/ecrm-setup-$version.exe"
