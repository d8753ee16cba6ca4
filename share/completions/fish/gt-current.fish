function __gt-current_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __gt-current_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __gt-current_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __gt-current_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __gt-current_parse_tokens -S
    set -l unparsed_tokens (__gt-current_tokens -pc)
    switch $unparsed_tokens[1]
    case 'gt-current'
        __gt-current_parse_subcommand 0 'data=' 'bundle=' 'graphql=' 'instance=' 'all-projects' 'concurrency=' 'cache-url=' 'refresh' 'quiet' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __gt-current_parse_subcommand -r 1 'version'
        end
    end
end

function __gt-current_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __gt-current_parse_subcommand -S -a positional_count
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

function __gt-current_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __gt-current_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__gt-current_tokens -p)
    if test -z "$(__gt-current_tokens -t)"
        set -l index (count (__gt-current_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'gt-current' -f
complete -c 'gt-current' -n '__gt-current_should_offer_completions_for_flags_or_options "gt-current" data' -l 'data' -d 'An App-Interface data directory of YAML datafiles (env GT_DATA_DIR).' -rfka ''
complete -c 'gt-current' -n '__gt-current_should_offer_completions_for_flags_or_options "gt-current" bundle' -l 'bundle' -d 'A qontract bundle JSON file.' -rfka ''
complete -c 'gt-current' -n '__gt-current_should_offer_completions_for_flags_or_options "gt-current" graphql' -l 'graphql' -d 'A qontract-server GraphQL URL (env GT_GRAPHQL_URL; bearer token from GT_GRAPHQL_TOKEN).' -rfka ''
complete -c 'gt-current' -n '__gt-current_should_offer_completions_for_flags_or_options "gt-current" instance' -l 'instance' -d 'Only this GlitchTip instance.' -rfka ''
complete -c 'gt-current' -n '__gt-current_should_offer_completions_for_flags_or_options "gt-current" all-projects' -l 'all-projects' -d 'List every project of every organization, managed or not (export, adoption).'
complete -c 'gt-current' -n '__gt-current_should_offer_completions_for_flags_or_options "gt-current" concurrency' -l 'concurrency' -d 'Requests in flight per instance.' -rfka ''
complete -c 'gt-current' -n '__gt-current_should_offer_completions_for_flags_or_options "gt-current" cache-url' -l 'cache-url' -d 'Share the cache (and gt-apply\'s run locks) between hosts on Redis/Valkey: redis://[:password@]host[:port][/db] or unix:///path/to/redis.sock[?db=N] (also GT_CACHE_URL).' -rfka ''
complete -c 'gt-current' -n '__gt-current_should_offer_completions_for_flags_or_options "gt-current" refresh' -l 'refresh' -d 'Do not read the cache (fresh entries are still written).'
complete -c 'gt-current' -n '__gt-current_should_offer_completions_for_flags_or_options "gt-current" quiet' -l 'quiet' -d 'No progress line and no warnings on stderr (errors are still printed).'
complete -c 'gt-current' -n '__gt-current_should_offer_completions_for_flags_or_options "gt-current" version' -l 'version' -d 'Show the version.'
complete -c 'gt-current' -n '__gt-current_should_offer_completions_for_flags_or_options "gt-current" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gt-current' -n '__gt-current_should_offer_completions_for_positional "gt-current" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'gt-current' -n '__gt-current_should_offer_completions_for_flags_or_options "gt-current help" version' -l 'version' -d 'Show the version.'
