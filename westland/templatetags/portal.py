"""Template helpers that give Django form fields the NL Design System markup."""

from django import forms, template
from django.utils.html import format_html, format_html_join

register = template.Library()

_WIDGET_CLASSES = {
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
    # Django puts a choice list's class on its wrapper <div> as well as on every input,
    # so lists of radios and checkboxes get no class; westland.css styles their inputs.
    forms.RadioSelect: "",
    forms.FileInput: "westland-file-input",
}


def _widget_class(widget):
    for kind, css in _WIDGET_CLASSES.items():
        if isinstance(widget, kind):
            return css
    return "utrecht-textbox utrecht-textbox--html-input"


@register.simple_tag
def field_widget(bound_field):
    """Render a bound field's widget with the design-system class and ARIA links."""
    widget = bound_field.field.widget
    css = _widget_class(widget)
    # Validation is the server's, in Dutch beside the field: no browser bubbles (and no
    # :invalid styling before anything was typed). Screen readers still hear "required".
    bound_field.form.use_required_attribute = False
    attrs = {"class": f"{css} {widget.attrs.get('class', '')}".strip()}
    if bound_field.field.required:
        attrs["aria-required"] = "true"
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}_helptext")
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
        attrs["class"] = f"{attrs['class']} {'utrecht-textbox--invalid' if 'textbox' in css else 'is-invalid'}".strip()
        described_by.append(f"{bound_field.auto_id}_error")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if not attrs["class"]:
        del attrs["class"]
    return bound_field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(bound_field):
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.filter
def is_choice_list(bound_field):
    return isinstance(bound_field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


@register.simple_tag
def table_head(*headings):
    """A table's header row in the design system's markup, one column header per heading:
    ``{% table_head _("Number") _("Status") %}``."""
    cells = format_html_join("", '<th class="utrecht-table__header-cell" scope="col">{}</th>', ((h,) for h in headings))
    return format_html('<thead class="utrecht-table__header"><tr class="utrecht-table__row">{}</tr></thead>', cells)
