"""The registry of question types: one ItemType instance per `type:` name in the YAML."""

from portal.questionnaires.choice_types import MultipleChoiceType, SingleChoiceType, YesNoType
from portal.questionnaires.definition import Item
from portal.questionnaires.file_type import FileType
from portal.questionnaires.itemtype import InvalidAnswer, ItemType
from portal.questionnaires.numeric_types import NUMBER_TYPES
from portal.questionnaires.table_types import CalculatedType, RepeatType, YearTableType
from portal.questionnaires.text_types import DateType, LongTextType, ShortTextType

__all__ = ["ITEM_TYPES", "COLUMN_TYPES", "InvalidAnswer", "ItemType", "item_type"]

# Types that may be columns of a repeat: one value per cell, no nesting.
COLUMN_TYPES: dict[str, ItemType] = {
    **NUMBER_TYPES,
    **{t.name: t for t in (YesNoType(), SingleChoiceType(), MultipleChoiceType())},
    **{t.name: t for t in (ShortTextType(), LongTextType(), DateType())},
}

ITEM_TYPES: dict[str, ItemType] = {
    **COLUMN_TYPES,
    **{
        t.name: t for t in (FileType(), YearTableType(), RepeatType(COLUMN_TYPES), CalculatedType())
    },
}


def item_type(item: Item) -> ItemType:
    """The type object for an item; raises KeyError for a type the loader would have refused."""
    return ITEM_TYPES[item.type]
