select
    theme,
    language,
    lower(keyword) as keyword
from {{ ref('theme_lexicon') }}
