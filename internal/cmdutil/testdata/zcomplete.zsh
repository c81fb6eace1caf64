# zsh -f zcomplete.zsh FPATHDIR 'command line': prints, one a line, the
# completions an interactive zsh offers when Tab is pressed at the end of
# the line, with the completion functions of FPATHDIR. It drives the
# interactive zsh through zpty; a compadd wrapper prints each match it
# adds, and a comppostfunc ends the shell once completion is done.
zmodload zsh/zpty || exit 3
zpty z zsh -f -i
zpty -w z "fpath=($1 \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' list-grouped false; zstyle ':completion:*' insert-tab false"
zpty -w z 'compadd () {
  if [[ ${@[(I)-(O|A|D)]} -gt 0 ]]; then builtin compadd "$@"; return; fi
  typeset -a __hits
  builtin compadd -A __hits "$@"
  local r=$?
  (( $#__hits )) && print -rl -- "<""HIT>"${^__hits}
  return r
}'
zpty -w z 'finish () { print "<""DONE>"; exit }'
zpty -w z 'comppostfuncs=(finish)'
zpty -w z "$2"$'\t'
# The markers are written split in the input, so that its echo does not
# match them.
while zpty -r z line; do
  [[ $line == *'<DONE>'* ]] && break
  [[ $line == *'<HIT>'* ]] && print -r -- "${${line##*<HIT>}%$'\r'}"
done
zpty -d z
