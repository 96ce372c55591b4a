select driver, driver_label_nl, driver_label_en, driver_order
from {{ ref('stg_reference__drivers') }}
