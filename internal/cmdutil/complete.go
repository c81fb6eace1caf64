package cmdutil

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/systr/systr/syscalls"
)

// setWords are the words of a syscall set: every name the catalogue has
// (on any architecture), its %classes, all and none.
func setWords() []string {
	var w []string
	for _, a := range syscalls.Arches() {
		w = append(w, syscalls.Names(a)...)
	}
	w = append(w, syscalls.ClassNames()...)
	w = append(w, "all", "none")
	slices.Sort(w)
	return slices.Compact(w)
}

// funcName is the shell function of the command: _systr_record.
func (c *Command) funcName() string {
	return "_" + strings.NewReplacer("-", "_", ".", "_").Replace(c.Name)
}

// flagSets are the command's flag sets by verb ("" for the command's own).
func (c *Command) flagSets() []Verb {
	sets := []Verb{{Name: "", Flags: c.Flags}}
	return append(sets, c.Verbs...)
}

func (c *Command) usesSets() bool {
	for _, v := range c.flagSets() {
		for _, o := range options(v.Flags) {
			if strings.HasPrefix(c.kind(o), "set") {
				return true
			}
		}
	}
	return false
}

// Bash writes the command's bash completion: its flags (each verb's after
// the verb), their arguments by kind (files, live process ids, syscall
// sets from the catalogue), the verbs, programs after "--". It needs no
// bash-completion package (it uses it, when loaded, to complete a
// program's own arguments).
func (c *Command) Bash(w io.Writer) error {
	bw := bufio.NewWriter(w)
	f := c.funcName()
	fmt.Fprintf(bw, "# bash completion for %s, made by \"%s --generate bash\" from its flags.\n", c.Name, c.Name)
	fmt.Fprintf(bw, "# Installed in share/bash-completion/completions/%s, or: source <(%s --generate bash)\n\n", c.Name, c.Name)
	if c.usesSets() {
		fmt.Fprintf(bw, "%s_sets='%s'\n\n", f, strings.Join(setWords(), " "))
	}

	// The flags, by verb.
	fmt.Fprintf(bw, "# %s_flags VERB: the flags taken (after VERB).\n%s_flags() {\n\tcase $1 in\n", f, f)
	for _, v := range c.flagSets() {
		var names []string
		for _, o := range options(v.Flags) {
			names = append(names, o.dashed())
		}
		names = append(names, "--help")
		fmt.Fprintf(bw, "\t%s) echo '%s' ;;\n", shellPattern(v.Name), strings.Join(names, " "))
	}
	fmt.Fprintf(bw, "\tesac\n}\n\n")

	// The arguments' kinds.
	fmt.Fprintf(bw, "# %s_arg VERB FLAG: what FLAG's argument is; nothing for a flag without one.\n%s_arg() {\n\tcase $1:$2 in\n", f, f)
	for _, v := range c.flagSets() {
		for _, o := range options(v.Flags) {
			if k := c.kind(o); k != "" {
				fmt.Fprintf(bw, "\t%s:-%s | %s:--%s) echo '%s' ;;\n", shellPattern(v.Name), o.name, shellPattern(v.Name), o.name, k)
			}
		}
	}
	fmt.Fprintf(bw, "\tesac\n}\n\n")

	var verbs []string
	for _, v := range c.Verbs {
		verbs = append(verbs, v.Name)
	}
	program := 0
	if c.Program {
		program = 1
	}
	firstProgram := 0
	if c.Args == ArgProgram {
		firstProgram = 1
	}
	fmt.Fprintf(bw, bashMain, f, strings.Join(verbs, " "), program, firstProgram)
	fmt.Fprintf(bw, "complete -F %s %s\n", f, c.Name)
	return bw.Flush()
}

// shellPattern is a case pattern matching the word s exactly (a pair of
// single quotes for the empty word).
func shellPattern(s string) string {
	if s == "" {
		return "''"
	}
	return s
}

// bashMain is the completion function: %[1]s its name, %[2]s the verbs,
// %[3]d whether "--" is followed by a program, %[4]d whether the first
// positional argument is a program.
const bashMain = `# %[1]s_words: ws, the words to the cursor as the command takes them (bash
# splits "--flag=value" and "trace=open" at "=" and ":"; they are put back
# together), and prefix, what of the last of them bash does not replace.
%[1]s_words() {
	local i w glue=0
	ws=()
	for ((i = 0; i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((${#ws[@]} > 0)) && { [[ $w == [=:] ]] || ((glue)); }; then
			ws[${#ws[@]}-1]+=$w
		else
			ws+=("$w")
		fi
		glue=0
		[[ $w == [=:] ]] && glue=1
	done
	prefix=${ws[${#ws[@]}-1]}
	prefix=${prefix%%"${COMP_WORDS[COMP_CWORD]}"}
}

# %[1]s_value KIND WORD: the completions of a flag's argument.
%[1]s_value() {
	local kind=$1 cur=$2 pre= q
	case $kind in
	file)
		compopt -o filenames 2>/dev/null
		mapfile -t reply < <(compgen -f -- "$cur") # (a line each: names with spaces)
		;;
	one:*)
		reply=($(compgen -W "${kind#one:}" -- "$cur"))
		;;
	pid)
		[[ $cur == *,* ]] && pre=${cur%%,*},
		reply=($(compgen -P "$pre" -W "$(cd /proc && echo [0-9]*)" -- "${cur##*,}"))
		;;
	set*)
		q=${kind#set}
		q=${q#:}
		if [[ -n $q && $cur != *=* ]]; then
			compopt -o nospace 2>/dev/null
			reply=($(compgen -W "$q=" -- "$cur"))
			return
		fi
		[[ -n $q ]] && pre=${cur%%%%=*}= cur=${cur#*=}
		[[ $cur == *,* ]] && pre+=${cur%%,*}, cur=${cur##*,}
		[[ $cur == '!'* ]] && pre+='!' cur=${cur#!}
		reply=($(compgen -P "$pre" -W "$%[1]s_sets" -- "$cur"))
		;;
	esac
}

%[1]s() {
	local verbs='%[2]s' program=%[3]d first=%[4]d
	local cur prefix w kind verb= dd=0 npos=0 nafter=0 i last
	local -a ws reply=()
	%[1]s_words
	last=$((${#ws[@]} - 1))
	cur=${ws[last]}
	for ((i = 1; i < last; i++)); do
		w=${ws[i]}
		if ((dd)); then
			((nafter++))
			continue
		fi
		case $w in
		--) dd=1 ;;
		-*=*) ;;
		-*)
			kind=$(%[1]s_arg "$verb" "$w")
			if [[ -n $kind ]]; then
				if ((i + 1 == last)); then
					%[1]s_value "$kind" "$cur"
					break
				fi
				((i++))
			fi
			;;
		*)
			if [[ -n $verbs && -z $verb ]]; then
				verb=$w
			else
				((npos++))
				((first && npos == 1)) && dd=1 nafter=1 # the program: the rest are its arguments
			fi
			;;
		esac
	done
	if ((i >= last)); then
		if ((dd)); then
			if ((program && nafter == 0)); then
				mapfile -t reply < <(compgen -c -- "$cur")
			else
				if ((program)) && declare -F _command_offset >/dev/null; then
					# bash-completion completes the program's own arguments.
					for ((i = 1; i < COMP_CWORD; i++)); do
						[[ ${COMP_WORDS[i]} == -- ]] && break
					done
					if ((i < COMP_CWORD)); then
						_command_offset $((i + 1))
						return
					fi
				fi
				compopt -o filenames 2>/dev/null
				mapfile -t reply < <(compgen -f -- "$cur") # (a line each: names with spaces)
			fi
		elif [[ $cur == -*=* ]]; then
			kind=$(%[1]s_arg "$verb" "${cur%%%%=*}")
			%[1]s_value "$kind" "${cur#*=}"
			reply=("${reply[@]/#/${cur%%%%=*}=}")
		elif [[ $cur == -* ]]; then
			reply=($(compgen -W "$(%[1]s_flags "$verb") --" -- "$cur"))
		elif [[ -n $verbs && -z $verb ]]; then
			reply=($(compgen -W "$verbs" -- "$cur"))
		elif ((first && npos == 0)); then
			mapfile -t reply < <(compgen -c -- "$cur")
		else
			compopt -o filenames 2>/dev/null
			mapfile -t reply < <(compgen -f -- "$cur") # (a line each: names with spaces)
		fi
	fi
	COMPREPLY=()
	for w in "${reply[@]}"; do
		[[ $w == "$prefix"* ]] && COMPREPLY+=("${w#"$prefix"}")
	done
}

`

// Zsh writes the command's zsh completion (a #compdef function file,
// _NAME in a directory of $fpath): flags with their descriptions and
// argument kinds, verbs, programs after "--".
func (c *Command) Zsh(w io.Writer) error {
	bw := bufio.NewWriter(w)
	f := c.funcName()
	fmt.Fprintf(bw, "#compdef %s\n# zsh completion for %s, made by \"%s --generate zsh\" from its flags.\n", c.Name, c.Name, c.Name)
	fmt.Fprintf(bw, "# Installed as share/zsh/site-functions/_%s (a directory of $fpath).\n\n", c.Name)
	if c.usesSets() {
		fmt.Fprintf(bw, "%s_set() {\n\tlocal q=$1\n\tlocal -a words\n\twords=(%s)\n", f, strings.Join(setWords(), " "))
		bw.WriteString(`	if [[ -n $q ]] && ! compset -P "$q="; then
		compadd -S '' -- "$q="
		return
	fi
	compset -P '*,'
	compset -P '!'
	compadd -S '' -- $words
}

`)
	}
	specs := func(fs Verb) []string {
		var out []string
		for _, o := range options(fs.Flags) {
			d := o.dashed()
			// "`S`: recorded (...)": the description without "S: ".
			desc := zshDesc(strings.TrimPrefix(o.usage, o.arg+": "))
			spec := ""
			if o.many {
				spec = "*"
			}
			switch k := c.kind(o); {
			case k == "":
				spec += d + "[" + desc + "]"
			default:
				action := " "
				switch {
				case k == "file":
					action = "_files"
				case k == "pid":
					action = "_sequence _pids"
				case strings.HasPrefix(k, "one:"):
					action = "(" + k[len("one:"):] + ")"
				case strings.HasPrefix(k, "set"):
					action = "{" + f + "_set " + strings.TrimPrefix(strings.TrimPrefix(k, "set"), ":") + "}"
				}
				spec += d + "=[" + desc + "]:" + zshDesc(o.arg) + ":" + action
			}
			out = append(out, zshQuote(spec))
		}
		return append(out, zshQuote("(- *)--help[print the usage and exit]"))
	}
	fmt.Fprintf(bw, "%s() {\n", f)
	if len(c.Verbs) == 0 {
		// After "--" a program and its arguments (_normal completes
		// both), found in the whole line: _arguments drops a "--" that
		// follows options from the words it leaves.
		bw.WriteString("\tlocal curcontext=$curcontext state line i\n\tlocal -a all\n\tall=(\"${words[@]}\")\n\tinteger allcur=$CURRENT\n")
		bw.WriteString("\t_arguments -S \\\n")
		for _, s := range specs(Verb{Flags: c.Flags}) {
			fmt.Fprintf(bw, "\t\t%s \\\n", s)
		}
		bw.WriteString("\t\t'*::argument:->rest'\n")
		bw.WriteString("\t[[ $state == rest ]] || return\n\ti=${all[(i)--]}\n")
		bw.WriteString("\tif ((i < allcur)); then\n\t\twords=(\"${(@)all[i+1,-1]}\")\n\t\t((CURRENT = allcur - i))\n\t\t_normal\n")
		if c.Args == ArgProgram {
			bw.WriteString("\telse\n\t\t_normal\n\tfi\n}\n\n")
		} else {
			bw.WriteString("\telse\n\t\t_files\n\tfi\n}\n\n")
		}
	} else {
		bw.WriteString("\tlocal curcontext=$curcontext state line\n\tlocal -a verbs\n\tverbs=(\n")
		for _, v := range c.Verbs {
			fmt.Fprintf(bw, "\t\t%s\n", zshQuote(v.Name+":"+zshDesc(v.Help)))
		}
		bw.WriteString("\t)\n\t_arguments -C \\\n")
		for _, s := range specs(Verb{Flags: c.Flags}) {
			fmt.Fprintf(bw, "\t\t%s \\\n", s)
		}
		bw.WriteString("\t\t'1:verb:->verb' \\\n\t\t'*::argument:->args'\n")
		bw.WriteString("\tcase $state in\n\tverb) _describe -t verbs verb verbs ;;\n\targs)\n\t\tcase $words[1] in\n")
		for _, v := range c.Verbs {
			fmt.Fprintf(bw, "\t\t%s)\n\t\t\t_arguments -S \\\n", v.Name)
			for _, s := range specs(v) {
				fmt.Fprintf(bw, "\t\t\t\t%s \\\n", s)
			}
			bw.WriteString("\t\t\t\t'*:trace:_files'\n\t\t\t;;\n")
		}
		bw.WriteString("\t\tesac\n\t\t;;\n\tesac\n}\n\n")
	}
	fmt.Fprintf(bw, "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n\t%s \"$@\"\nelse\n\tcompdef %s %s\nfi\n", f, f, c.Name)
	return bw.Flush()
}

// zshDesc is a flag's usage shortened for a completion list: up to its
// first parenthesis, colon or semicolon, without the characters that
// _arguments gives a meaning.
func zshDesc(u string) string {
	for _, sep := range []string{" (", ": ", "; "} {
		if i := strings.Index(u, sep); i > 0 && strings.Count(u[:i], " ") > 0 {
			u = u[:i]
		}
	}
	return strings.NewReplacer("[", "(", "]", ")", ":", " ", "\\", "/").Replace(u)
}

// zshQuote quotes s for zsh in single quotes.
func zshQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
