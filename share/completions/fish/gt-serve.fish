function __gt-serve_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __gt-serve_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __gt-serve_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __gt-serve_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __gt-serve_parse_tokens -S
    set -l unparsed_tokens (__gt-serve_tokens -pc)
    switch $unparsed_tokens[1]
    case 'gt-serve'
        __gt-serve_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'serve'
            __gt-serve_parse_subcommand 0 'host=' 'port=' 'shutdown-grace=' 'dry-run-tasks=' 'apply-tasks=' 'instances=' 'any-console-url' 'max-request-mb=' 'policy=' 'version' 'h/help'
        case 'token'
            __gt-serve_parse_subcommand 0 'sub=' 'days=' 'version' 'h/help'
        case 'help'
            __gt-serve_parse_subcommand -r 1 'version'
        end
    end
end

function __gt-serve_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __gt-serve_parse_subcommand -S -a positional_count
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

function __gt-serve_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __gt-serve_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__gt-serve_tokens -p)
    if test -z "$(__gt-serve_tokens -t)"
        set -l index (count (__gt-serve_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'gt-serve' -f
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_flags_or_options "gt-serve" version' -l 'version' -d 'Show the version.'
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_flags_or_options "gt-serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_positional "gt-serve" -eq 1' -fa 'serve' -d 'Run the server (the default command).'
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_positional "gt-serve" -eq 1' -fa 'token' -d 'Print a Bearer token (HS256 JWT) for a client, signed with QAPI_JWT_SECRET_KEY.'
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_positional "gt-serve" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_flags_or_options "gt-serve serve" host' -l 'host' -d 'Address to listen on (TLS is left to a proxy in front).' -rfka ''
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_flags_or_options "gt-serve serve" port' -l 'port' -d 'Port to listen on; 0 takes a free one (the ready line says which).' -rfka ''
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_flags_or_options "gt-serve serve" shutdown-grace' -l 'shutdown-grace' -d 'On SIGTERM/SIGINT, seconds running tasks get to finish before they are interrupted.' -rfka ''
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_flags_or_options "gt-serve serve" dry-run-tasks' -l 'dry-run-tasks' -d 'Dry-run tasks run at once; more wait in a queue.' -rfka ''
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_flags_or_options "gt-serve serve" apply-tasks' -l 'apply-tasks' -d 'Apply tasks (dry_run false) run at once; more wait in a queue.' -rfka ''
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_flags_or_options "gt-serve serve" instances' -l 'instances' -d 'YAML or JSON file pinning each instance a task may reach to its console_url and token reference; another instance, URL or token is refused (README "Drop-in for qontract-api").' -rfka ''
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_flags_or_options "gt-serve serve" any-console-url' -l 'any-console-url' -d 'Reach any instance, URL and token a request names, as the reference does: whoever holds a token of gt-serve\'s may then have any GlitchTip token it can read sent to any URL. Instead of --instances.'
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_flags_or_options "gt-serve serve" max-request-mb' -l 'max-request-mb' -d 'Largest request body in MB once a gzip body is inflated (1 to 100; as sent, at most 10). Reading one costs about 30 times its size in memory.' -rfka ''
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_flags_or_options "gt-serve serve" policy' -l 'policy' -d 'JSON file naming the subjects allowed and what each may do (else GT_SERVE_POLICY; without either, every valid token may do everything).' -rfka ''
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_flags_or_options "gt-serve serve" version' -l 'version' -d 'Show the version.'
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_flags_or_options "gt-serve serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_flags_or_options "gt-serve token" sub' -l 'sub' -d 'Who the token is for (its `sub` claim; revoke it with QAPI_JWT_REVOKED_SUBJECTS).' -rfka ''
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_flags_or_options "gt-serve token" days' -l 'days' -d 'Valid for this many days (1 to 3650; default QAPI_JWT_EXPIRE_DAYS, else 180).' -rfka ''
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_flags_or_options "gt-serve token" version' -l 'version' -d 'Show the version.'
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_flags_or_options "gt-serve token" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gt-serve' -n '__gt-serve_should_offer_completions_for_flags_or_options "gt-serve help" version' -l 'version' -d 'Show the version.'
