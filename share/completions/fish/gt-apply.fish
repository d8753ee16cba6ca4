function __gt-apply_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __gt-apply_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __gt-apply_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __gt-apply_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __gt-apply_parse_tokens -S
    set -l unparsed_tokens (__gt-apply_tokens -pc)
    switch $unparsed_tokens[1]
    case 'gt-apply'
        __gt-apply_parse_subcommand 0 'dry-run' 'no-dry-run' 'max-deletes=' 'concurrency=' 'cache-url=' 'metrics-file=' 'record-unreported-run=' 'data=' 'bundle=' 'graphql=' 'instance=' 'format=' 'color=' 'file-locks-only' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __gt-apply_parse_subcommand -r 1 'version'
        end
    end
end

function __gt-apply_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __gt-apply_parse_subcommand -S -a positional_count
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

function __gt-apply_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __gt-apply_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__gt-apply_tokens -p)
    if test -z "$(__gt-apply_tokens -t)"
        set -l index (count (__gt-apply_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'gt-apply' -f
complete -c 'gt-apply' -n '__gt-apply_should_offer_completions_for_flags_or_options "gt-apply" dry-run' -l 'dry-run' -d 'Only report what would be done (the default); --no-dry-run executes.'
complete -c 'gt-apply' -n '__gt-apply_should_offer_completions_for_flags_or_options "gt-apply" no-dry-run' -l 'no-dry-run' -d 'Only report what would be done (the default); --no-dry-run executes.'
complete -c 'gt-apply' -n '__gt-apply_should_offer_completions_for_flags_or_options "gt-apply" max-deletes' -l 'max-deletes' -d 'Refuse the whole run when the plan deletes more alerts than this.' -rfka ''
complete -c 'gt-apply' -n '__gt-apply_should_offer_completions_for_flags_or_options "gt-apply" concurrency' -l 'concurrency' -d 'Requests in flight per instance (projects in parallel; actions within a project in order).' -rfka ''
complete -c 'gt-apply' -n '__gt-apply_should_offer_completions_for_flags_or_options "gt-apply" cache-url' -l 'cache-url' -d 'Share the cache (and gt-apply\'s run locks) between hosts on Redis/Valkey: redis://[:password@]host[:port][/db] or unix:///path/to/redis.sock[?db=N] (also GT_CACHE_URL).' -rfka ''
complete -c 'gt-apply' -n '__gt-apply_should_offer_completions_for_flags_or_options "gt-apply" metrics-file' -l 'metrics-file' -d 'After the run, write Prometheus metrics to this file, atomically (node_exporter\'s textfile collector; also GT_METRICS_FILE).' -rfka ''
complete -c 'gt-apply' -n '__gt-apply_should_offer_completions_for_flags_or_options "gt-apply" record-unreported-run' -l 'record-unreported-run' -d 'Only write the metrics file, for a run whose gt-apply ended without writing it (gt-reconcile uses it); reads no stream.' -rfka 'interrupted failed'
complete -c 'gt-apply' -n '__gt-apply_should_offer_completions_for_flags_or_options "gt-apply" data' -l 'data' -d 'An App-Interface data directory of YAML datafiles (env GT_DATA_DIR).' -rfka ''
complete -c 'gt-apply' -n '__gt-apply_should_offer_completions_for_flags_or_options "gt-apply" bundle' -l 'bundle' -d 'A qontract bundle JSON file.' -rfka ''
complete -c 'gt-apply' -n '__gt-apply_should_offer_completions_for_flags_or_options "gt-apply" graphql' -l 'graphql' -d 'A qontract-server GraphQL URL (env GT_GRAPHQL_URL; bearer token from GT_GRAPHQL_TOKEN).' -rfka ''
complete -c 'gt-apply' -n '__gt-apply_should_offer_completions_for_flags_or_options "gt-apply" instance' -l 'instance' -d 'Only this GlitchTip instance.' -rfka ''
complete -c 'gt-apply' -n '__gt-apply_should_offer_completions_for_flags_or_options "gt-apply" format' -l 'format' -d 'text (a plan for people), ndjson (the stream), markdown (a plan for a merge-request comment), or auto: text on a terminal.' -rfka 'auto text ndjson markdown'
complete -c 'gt-apply' -n '__gt-apply_should_offer_completions_for_flags_or_options "gt-apply" color' -l 'color' -d 'Color the text output: auto (a terminal without NO_COLOR), always, never.' -rfka 'auto always never'
complete -c 'gt-apply' -n '__gt-apply_should_offer_completions_for_flags_or_options "gt-apply" file-locks-only' -l 'file-locks-only' -d 'With a shared cache (--cache-url, GT_CACHE_URL): take only this host\'s file lock, not the shared run locks. Gives up excluding runs on other hosts (two hosts may apply the same plan and create alerts twice); allows applying while the Redis server is down.'
complete -c 'gt-apply' -n '__gt-apply_should_offer_completions_for_flags_or_options "gt-apply" version' -l 'version' -d 'Show the version.'
complete -c 'gt-apply' -n '__gt-apply_should_offer_completions_for_flags_or_options "gt-apply" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gt-apply' -n '__gt-apply_should_offer_completions_for_positional "gt-apply" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'gt-apply' -n '__gt-apply_should_offer_completions_for_flags_or_options "gt-apply help" version' -l 'version' -d 'Show the version.'
