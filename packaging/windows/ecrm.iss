; Inno Setup recipe of the Windows installer (packaging/windows/build.ps1 runs it; docs/packaging.md explains).
; Installs the frozen one-folder app for all users, adds a Start menu entry and an uninstaller, and installs
; silently with:  ecrm-setup-<version>.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /ALLUSERS
; Managed settings go to %ProgramData%\ecrm\managed.toml (an administrator's file; the installer never writes it).

#ifndef AppVersion
  #error Pass /DAppVersion=<version> (build.ps1 does)
#endif
#ifndef SourceDir
  #define SourceDir "..\..\build\pyinstaller\dist\ecrm"
#endif

[Setup]
AppId={{6D2B4C55-0E3C-4D5B-9B57-2E5C3C0F6E21}
AppName=ecrm
AppVersion={#AppVersion}
AppPublisher=ecrm
DefaultDirName={autopf}\ecrm
DefaultGroupName=ecrm
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=ecrm-setup-{#AppVersion}
Compression=lzma2/normal
SolidCompression=yes
UninstallDisplayIcon={app}\ecrm.exe
; build.ps1 defines the "signtool" sign tool (iscc /Ssigntool=...) so the setup and the uninstaller are signed.
#ifdef SignTool
SignTool=signtool
SignedUninstaller=yes
#endif

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\ecrm"; Filename: "{app}\ecrm.exe"; Parameters: "gui"
Name: "{group}\Uninstall ecrm"; Filename: "{uninstallexe}"

[Run]
; Proves the installed copy works; skipped in silent installs so roll-outs never wait on it.
Filename: "{app}\ecrm.exe"; Parameters: "--self-test"; Flags: runhidden waituntilterminated skipifsilent; StatusMsg: "Checking the installation..."
