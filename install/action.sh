#!/bin/sh
# The steps of the GitHub Action (action.yml) that are more than one line, kept here so
# that shellcheck reads them and `cargo xtask dist --check` runs them as the runner does.
#
#   action.sh resolve   which version, build and directory; writes the step's outputs
#   action.sh install   installs with fleek-agents-installer.sh (the script users run)
#                       unless the runner's tool cache has that version; puts it on PATH
#   action.sh run       runs `fleek-agents $FLEEK_AGENTS_COMMAND`, annotating a failure
#   action.sh comment   posts `fleek-agents fleet plan` on the pull request, or updates
#                       the comment it posted before (found by a marker), with `gh api`
#
# Inputs come as environment variables (never `${{ }}` inside a script, which would let a
# value rewrite the script): INPUT_VERSION, INPUT_BASE_URL, INPUT_COMMAND, and GitHub's own
# ACTION_REF, ACTION_REPOSITORY, SERVER_URL, REPOSITORY, RUNNER_TOOL_CACHE, RUNNER_TEMP,
# GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_PATH.
set -eu

installer="$GITHUB_ACTION_PATH/install/fleek-agents-installer.sh"

fail() {
    printf '::error title=fleek-agents::%s\n' "$*"
    exit 1
}

resolve() {
    version="${INPUT_VERSION:-}"
    if [ -z "$version" ]; then
        # `uses: owner/repo@v0.3.0` installs 0.3.0; a branch or a commit, the latest release.
        case "${ACTION_REF:-}" in
            v[0-9]*.[0-9]*.[0-9]*) version="${ACTION_REF#v}" ;;
            *) version=latest ;;
        esac
    fi
    version="${version#v}"
    base="${INPUT_BASE_URL:-}"
    if [ -z "$base" ]; then
        # `uses: ./` (this repository's own workflows) leaves ACTION_REPOSITORY empty.
        repo="${ACTION_REPOSITORY:-${REPOSITORY:-}}"
        [ -n "$repo" ] || fail "no release location: set the base-url input"
        base="${SERVER_URL:-https://github.com}/$repo/releases"
    fi
    target=$(sh "$installer" --print-target) || fail "this runner has no prebuilt fleek-agents"
    if [ "$version" = latest ]; then
        # "latest" changes between runs: never cached.
        dir="$RUNNER_TEMP/fleek-agents/latest/$target"
        cache=false
    else
        dir="$RUNNER_TOOL_CACHE/fleek-agents/$version/$target"
        cache=true
    fi
    {
        echo "version=$version"
        echo "base-url=$base"
        echo "target=$target"
        echo "dir=$dir"
        echo "cache=$cache"
    } >>"$GITHUB_OUTPUT"
}

install() {
    : "${FLEEK_AGENTS_VERSION:?}" "${FLEEK_AGENTS_DIR:?}" "${FLEEK_AGENTS_BASE_URL:?}" "${FLEEK_AGENTS_TARGET:?}"
    case "$FLEEK_AGENTS_TARGET" in
        *-windows-*) bin=fleek-agents.exe ;;
        *) bin=fleek-agents ;;
    esac
    binary="$FLEEK_AGENTS_DIR/$bin"
    found=''
    if [ "$FLEEK_AGENTS_VERSION" != latest ] && [ -x "$binary" ]; then
        found=$("$binary" --version 2>/dev/null | head -n 1 || true)
    fi
    if [ "$found" = "fleek-agents $FLEEK_AGENTS_VERSION" ]; then
        echo "fleek-agents $FLEEK_AGENTS_VERSION is in the runner's tool cache: $binary"
    else
        sh "$installer" --version "$FLEEK_AGENTS_VERSION" --target "$FLEEK_AGENTS_TARGET" \
            --to "$FLEEK_AGENTS_DIR" || fail "could not install fleek-agents $FLEEK_AGENTS_VERSION (the log above says why)"
    fi
    installed=$("$binary" --version | head -n 1)
    echo "$FLEEK_AGENTS_DIR" >>"$GITHUB_PATH"
    {
        echo "version=${installed#fleek-agents }"
        echo "path=$binary"
    } >>"$GITHUB_OUTPUT"
}

# shellcheck disable=SC2120 # its arguments are the command's, set by `set --` below
run() {
    [ -n "${INPUT_COMMAND:-}" ] || return 0
    # The command is the workflow author's own text: split and glob it as a shell line
    # would (`validate characters/*.character.json`).
    eval "set -- $INPUT_COMMAND"
    code=0
    "${FLEEK_AGENTS_PATH:?}" "$@" || code=$?
    if [ "$code" != 0 ]; then
        printf '::error title=fleek-agents::fleek-agents %s failed with exit code %s (fleek-agents --help lists the codes)\n' "$INPUT_COMMAND" "$code"
        exit "$code"
    fi
}

# shellcheck disable=SC2119 # `run` takes no arguments from here
comment() {
    : "${PR_NUMBER:?}" "${REPOSITORY:?}" "${FLEEK_AGENTS_PATH:?}"
    marker='<!-- fleek-agents fleet plan -->'
    code=0
    plan=$(NO_COLOR=1 "$FLEEK_AGENTS_PATH" fleet plan --detailed-exitcode 2>&1) || code=$?
    case "$code" in
        0 | 8) heading="fleek-agents fleet plan" ;;
        *) heading="fleek-agents fleet plan failed (exit code $code)" ;;
    esac
    fence='```'
    body=$(printf '%s\n### %s\n\n%s\n%s\n%s\n' "$marker" "$heading" "$fence" "$plan" "$fence")
    existing=$(gh api "repos/$REPOSITORY/issues/$PR_NUMBER/comments" --paginate \
        --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1) ||
        fail "could not read the pull request's comments (does the job have pull-requests: write?)"
    if [ -n "$existing" ]; then
        gh api --method PATCH "repos/$REPOSITORY/issues/comments/$existing" -f body="$body" >/dev/null ||
            fail "could not update comment $existing"
        echo "updated the plan comment $existing on pull request $PR_NUMBER"
    else
        gh api --method POST "repos/$REPOSITORY/issues/$PR_NUMBER/comments" -f body="$body" >/dev/null ||
            fail "could not comment on pull request $PR_NUMBER"
        echo "posted the plan on pull request $PR_NUMBER"
    fi
    if [ "$code" != 0 ] && [ "$code" != 8 ]; then
        printf '%s\n' "$plan" >&2
        exit "$code"
    fi
}

case "${1:-}" in
    resolve) resolve ;;
    install) install ;;
    run) run ;;
    comment) comment ;;
    *) echo "usage: action.sh resolve|install|run|comment" >&2; exit 2 ;;
esac
