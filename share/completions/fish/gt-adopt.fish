function __gt-adopt_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __gt-adopt_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __gt-adopt_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __gt-adopt_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __gt-adopt_parse_tokens -S
    set -l unparsed_tokens (__gt-adopt_tokens -pc)
    switch $unparsed_tokens[1]
    case 'gt-adopt'
        __gt-adopt_parse_subcommand 1 'data=' 'bundle=' 'graphql=' 'instance=' 'format=' 'write' 'secret-path=' 'secrets-out=' 'vault-write' 'new-projects=' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __gt-adopt_parse_subcommand -r 1 'version'
        end
    end
end

function __gt-adopt_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __gt-adopt_parse_subcommand -S -a positional_count
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

function __gt-adopt_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __gt-adopt_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__gt-adopt_tokens -p)
    if test -z "$(__gt-adopt_tokens -t)"
        set -l index (count (__gt-adopt_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'gt-adopt' -f
complete -c 'gt-adopt' -n '__gt-adopt_should_offer_completions_for_flags_or_options "gt-adopt" data' -l 'data' -d 'An App-Interface data directory of YAML datafiles (env GT_DATA_DIR).' -rfka ''
complete -c 'gt-adopt' -n '__gt-adopt_should_offer_completions_for_flags_or_options "gt-adopt" bundle' -l 'bundle' -d 'A qontract bundle JSON file.' -rfka ''
complete -c 'gt-adopt' -n '__gt-adopt_should_offer_completions_for_flags_or_options "gt-adopt" graphql' -l 'graphql' -d 'A qontract-server GraphQL URL (env GT_GRAPHQL_URL; bearer token from GT_GRAPHQL_TOKEN).' -rfka ''
complete -c 'gt-adopt' -n '__gt-adopt_should_offer_completions_for_flags_or_options "gt-adopt" instance' -l 'instance' -d 'Only this GlitchTip instance.' -rfka ''
complete -c 'gt-adopt' -n '__gt-adopt_should_offer_completions_for_flags_or_options "gt-adopt" format' -l 'format' -d 'patch (a unified diff of the datafiles) or yaml (the alerts: entries per datafile).' -rfka 'patch yaml'
complete -c 'gt-adopt' -n '__gt-adopt_should_offer_completions_for_flags_or_options "gt-adopt" write' -l 'write' -d 'Change the datafiles in place (needs --data) instead of printing.'
complete -c 'gt-adopt' -n '__gt-adopt_should_offer_completions_for_flags_or_options "gt-adopt" secret-path' -l 'secret-path' -d 'Vault path prefix for webhook URLs that carry a credential: PREFIX/<instance>/<organization>/<project>.' -rfka ''
complete -c 'gt-adopt' -n '__gt-adopt_should_offer_completions_for_flags_or_options "gt-adopt" secrets-out' -l 'secrets-out' -d 'The new 0600 file of vault kv put commands for those URLs (default: gt-adopt-secrets-<time>.sh here).' -rfka ''
complete -c 'gt-adopt' -n '__gt-adopt_should_offer_completions_for_flags_or_options "gt-adopt" vault-write' -l 'vault-write' -d 'Write those URLs into Vault (KV v2, VAULT_ADDR) instead, never overwriting a field.'
complete -c 'gt-adopt' -n '__gt-adopt_should_offer_completions_for_flags_or_options "gt-adopt" new-projects' -l 'new-projects' -d 'Write a new datafile, with placeholders, for each GlitchTip project App-Interface does not have.' -rfka ''
complete -c 'gt-adopt' -n '__gt-adopt_should_offer_completions_for_flags_or_options "gt-adopt" version' -l 'version' -d 'Show the version.'
complete -c 'gt-adopt' -n '__gt-adopt_should_offer_completions_for_flags_or_options "gt-adopt" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gt-adopt' -n '__gt-adopt_should_offer_completions_for_positional "gt-adopt" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'gt-adopt' -n '__gt-adopt_should_offer_completions_for_flags_or_options "gt-adopt help" version' -l 'version' -d 'Show the version.'
