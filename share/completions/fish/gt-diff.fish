function __gt-diff_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __gt-diff_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __gt-diff_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __gt-diff_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __gt-diff_parse_tokens -S
    set -l unparsed_tokens (__gt-diff_tokens -pc)
    switch $unparsed_tokens[1]
    case 'gt-diff'
        __gt-diff_parse_subcommand 1 'desired=' 'history=' 'detailed-exitcode' 'format=' 'color=' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __gt-diff_parse_subcommand -r 1 'version'
        end
    end
end

function __gt-diff_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __gt-diff_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __gt-diff_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __gt-diff_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__gt-diff_tokens -p)
    if test -z "$(__gt-diff_tokens -t)"
        set -l index (count (__gt-diff_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'gt-diff' -f
complete -c 'gt-diff' -n '__gt-diff_should_offer_completions_for_flags_or_options "gt-diff" desired' -l 'desired' -d 'The desired stream (default: stdin).' -rfka ''
complete -c 'gt-diff' -n '__gt-diff_should_offer_completions_for_flags_or_options "gt-diff" history' -l 'history' -d 'The alerts earlier desired states declared, read and then added to (made if absent).' -rfka ''
complete -c 'gt-diff' -n '__gt-diff_should_offer_completions_for_flags_or_options "gt-diff" detailed-exitcode' -l 'detailed-exitcode' -d 'Exit 0 when there is nothing to do, 2 when there are changes, 1 on an error.'
complete -c 'gt-diff' -n '__gt-diff_should_offer_completions_for_flags_or_options "gt-diff" format' -l 'format' -d 'text (a plan for people), ndjson (the stream), markdown (a plan for a merge-request comment), or auto: text on a terminal.' -rfka 'auto text ndjson markdown'
complete -c 'gt-diff' -n '__gt-diff_should_offer_completions_for_flags_or_options "gt-diff" color' -l 'color' -d 'Color the text output: auto (a terminal without NO_COLOR), always, never.' -rfka 'auto always never'
complete -c 'gt-diff' -n '__gt-diff_should_offer_completions_for_flags_or_options "gt-diff" version' -l 'version' -d 'Show the version.'
complete -c 'gt-diff' -n '__gt-diff_should_offer_completions_for_flags_or_options "gt-diff" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gt-diff' -n '__gt-diff_should_offer_completions_for_positional "gt-diff" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'gt-diff' -n '__gt-diff_should_offer_completions_for_flags_or_options "gt-diff help" version' -l 'version' -d 'Show the version.'
