{#- Renamed and cast loaded responses (the SELECT is macros/staged_responses.sql, which views that
    need only some responses reuse with a filter on the loaded columns). -#}
{{ staged_responses() }}
