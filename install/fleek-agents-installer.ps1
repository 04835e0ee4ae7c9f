# Installs fleek-agents on Windows from a release archive: downloads the x86_64 build,
# checks its SHA-256 checksum (a mismatch installs nothing), and copies the binary into a
# directory of the user's. The same steps, options and messages as
# fleek-agents-installer.sh.
#
#   powershell -ExecutionPolicy Bypass -c "irm <release>/fleek-agents-installer.ps1 | iex"
#   .\fleek-agents-installer.ps1 -Version 0.3.0 -To C:\tools
#
# The checksum guards against a damaged or truncated download, not against a mirror:
# `gh attestation verify` checks that an archive was built by the release workflow.
param(
    # The version to install: 0.3.0 (or v0.3.0), or latest.
    [string]$Version = $env:FLEEK_AGENTS_VERSION,
    # Where to put fleek-agents.exe (default: %LOCALAPPDATA%\fleek-agents\bin).
    [string]$To = $env:FLEEK_AGENTS_INSTALL_DIR,
    # Where releases are, laid out as GitHub lays them out (for a mirror).
    [string]$BaseUrl = $env:FLEEK_AGENTS_BASE_URL
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

# `cargo xtask dist --base-url` writes the release's values into the copy it publishes.
$DefaultBaseUrl = ''
$DefaultVersion = 'latest'

function Fail([string]$Message) {
    [Console]::Error.WriteLine("fleek-agents installer: error: $Message")
    exit 1
}
function Say([string]$Message) {
    [Console]::Error.WriteLine("fleek-agents installer: $Message")
}

if (-not $Version) { $Version = $DefaultVersion }
if (-not $BaseUrl) { $BaseUrl = $DefaultBaseUrl }
if (-not $BaseUrl) {
    Fail 'no release location: pass -BaseUrl URL (or set FLEEK_AGENTS_BASE_URL); this copy of the installer was not stamped by a release'
}
$BaseUrl = $BaseUrl.TrimEnd('/')
if ($Version -eq 'latest') {
    $Url = "$BaseUrl/latest/download"
} elseif ($Version -match '^v?\d+\.\d+\.\d+') {
    $Version = $Version.TrimStart('v')
    $Url = "$BaseUrl/download/v$Version"
} else {
    Fail "'$Version' is not a version: give one like 0.3.0, or latest"
}
if (-not [Environment]::Is64BitOperatingSystem) {
    Fail 'no prebuilt fleek-agents for 32-bit Windows; build it instead: cargo install fleek-api --features cli,sim,mcp --locked'
}
$Target = 'x86_64-pc-windows-msvc'
$Archive = "fleek-agents-$Target.zip"
if (-not $To) { $To = Join-Path $env:LOCALAPPDATA 'fleek-agents\bin' }

$Scratch = Join-Path ([IO.Path]::GetTempPath()) ("fleek-agents-" + [Guid]::NewGuid())
New-Item -ItemType Directory -Path $Scratch | Out-Null
try {
    Say "downloading $Url/$Archive"
    try {
        Invoke-WebRequest -UseBasicParsing -Uri "$Url/$Archive" -OutFile (Join-Path $Scratch $Archive)
        Invoke-WebRequest -UseBasicParsing -Uri "$Url/$Archive.sha256" -OutFile (Join-Path $Scratch "$Archive.sha256")
    } catch {
        Fail "could not download $Url/$Archive ($($_.Exception.Message)): is $Version a released version, and is the release location ($BaseUrl) right? Nothing was installed."
    }
    $Expected = ((Get-Content (Join-Path $Scratch "$Archive.sha256") -Raw).Trim() -split '\s+')[0].ToLowerInvariant()
    $Actual = (Get-FileHash -Algorithm SHA256 (Join-Path $Scratch $Archive)).Hash.ToLowerInvariant()
    if ($Expected -notmatch '^[0-9a-f]{64}$') {
        Fail "the checksum file $Archive.sha256 holds no SHA-256 checksum; nothing was installed."
    }
    if ($Expected -ne $Actual) {
        Fail "checksum mismatch for ${Archive}: expected $Expected, got $Actual. The download is damaged or is not the released file; nothing was installed. Try again, or check -BaseUrl."
    }
    Say "checksum verified (sha256 $Actual)"

    $Unpacked = Join-Path $Scratch 'unpacked'
    Expand-Archive -Path (Join-Path $Scratch $Archive) -DestinationPath $Unpacked
    $Binary = Join-Path $Unpacked "fleek-agents-$Target\fleek-agents.exe"
    if (-not (Test-Path $Binary)) {
        Fail "$Archive holds no fleek-agents-$Target\fleek-agents.exe; nothing was installed."
    }
    New-Item -ItemType Directory -Force -Path $To | Out-Null
    # Copy beside the old binary, then rename: a running fleek-agents is never half-written.
    $New = Join-Path $To ".fleek-agents.exe.new"
    Copy-Item -Force $Binary $New
    Move-Item -Force $New (Join-Path $To 'fleek-agents.exe')
    $Installed = (& (Join-Path $To 'fleek-agents.exe') --version | Select-Object -First 1)
    Say "installed $Installed in $(Join-Path $To 'fleek-agents.exe')"
    if (-not (($env:PATH -split ';') -contains $To)) {
        Say "$To is not on your PATH: add it in Settings > Environment variables, or: `$env:PATH = `"$To;`$env:PATH`""
    }
} finally {
    Remove-Item -Recurse -Force $Scratch -ErrorAction SilentlyContinue
}
