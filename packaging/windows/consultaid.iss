; Inno Setup script for ConsultAid on Windows (Inno Setup 6). Build the one-folder bundle first:
;   pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\consultaid.spec
; then, from the repository root:
;   iscc /DAppVersion=0.1.0 packaging\windows\consultaid.iss
; The installer lands in dist\ConsultAid-<version>-windows-x64-setup.exe. Installs per machine into
; Program Files (administrator rights), adds a Start-menu entry and an uninstaller. Records stay in each
; user's %LOCALAPPDATA%\ConsultAid and are never removed by the uninstaller.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "ConsultAid"
#define BundleDir "..\..\dist\ConsultAid"

[Setup]
AppId={{6F1C2B7A-3D4E-4B8F-9A21-C0A5E1D7F4B3}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=ConsultAid
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=ConsultAid-{#AppVersion}-windows-x64-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\consultaid.exe
UninstallDisplayName={#AppName} {#AppVersion}
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\consultaid.exe"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#BundleDir}\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\consultaid.exe"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\consultaid.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\consultaid.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Python's byte-code caches written next to the bundle, if any; never the users' records.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
