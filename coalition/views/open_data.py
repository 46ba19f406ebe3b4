"""Open data: the social map in the shape of Open Referral HSDS, without personal data."""

from django.http import JsonResponse


def initiatives_hsds(request):
    return JsonResponse({})
