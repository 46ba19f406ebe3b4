"""An ``in`` lookup on integer columns that leaves out numbers no column can hold.

Django already does this for ``exact``, ``gt`` and the like (IntegerFieldOverflow), but
not for ``in``: a posted id of forty nines in a multiple-choice field (the staff form's
signs, an initiative's villages) reached SQLite as an OverflowError, a server error,
instead of "not one of the choices". A number outside the column's range matches no row,
so leaving it out of the list gives the same answer without asking the database.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register():
    IntegerField.register_lookup(IntegerFieldIn)
