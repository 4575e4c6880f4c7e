"""factory-boy factories for the campaign and petition models, shared by every test folder."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from callingtime.campaigns.models import Campaign, Membership, Organisation
from callingtime.campaigns.services import role_groups_ensure
from callingtime.petitions.models import (
    ConsentWording,
    Milestone,
    Petition,
    PetitionState,
    Signature,
)
from callingtime.petitions.normalise import email_domain, email_normalise, name_normalise


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Office of an MP {n}")
    slug = factory.Sequence(lambda n: f"office-{n}")
    privacy_contact = "Constituency office, 1 High Street, London N1 1AA"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "organiser"


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    title = "Calling Time on Crime"
    slug = factory.Sequence(lambda n: f"calling-time-{n}")
    demand = "More neighbourhood officers and youth services to cut knife crime and drug dealing."
    target = "The Home Secretary"
    hashtag = "CallingTimeOnCrime"

    @factory.post_generation
    def organisations(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        self.organisations.set(extracted or [OrganisationFactory()])


class PetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Petition

    campaign = factory.SubFactory(CampaignFactory)
    action = "Fund more neighbourhood police officers in our constituencies"
    background = "Knife crime and drug dealing have risen on our streets."
    state = PetitionState.OPEN
    opened_at = factory.LazyFunction(timezone.now)
    closing_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=90))


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    petition = factory.SubFactory(PetitionFactory)
    threshold = 10


def consent_wording() -> ConsentWording:
    """Return the wording the first migration created."""
    return ConsentWording.objects.order_by(
        "-created_at", "-pk"
    ).first() or ConsentWording.objects.create(
        version="test",
        declaration="I am a UK resident.",
        opt_in="Keep me updated.",
        privacy_summary="Test.",
    )


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    petition = factory.SubFactory(PetitionFactory)
    name = factory.Sequence(lambda n: f"Signer {n}")
    name_normalised = factory.LazyAttribute(lambda s: name_normalise(s.name))
    email = factory.Sequence(lambda n: f"signer{n}@example.org")
    email_normalised = factory.LazyAttribute(lambda s: email_normalise(s.email))
    email_domain = factory.LazyAttribute(lambda s: email_domain(s.email))
    postcode = "N1 1AA"
    uk_resident = True
    consent = factory.LazyFunction(consent_wording)
    ip_address = "192.0.2.10"
    created_at = factory.LazyFunction(timezone.now)


def staff_member(role: str, organisation: Organisation | None = None, **user: Any) -> Any:
    """Return a user holding one role in one organisation.

    The role groups come from a data migration, which a transactional test's flush removes,
    so they are made again here when missing.
    """
    role_groups_ensure()
    membership = MembershipFactory(
        role=role, organisation=organisation or OrganisationFactory(), user=UserFactory(**user)
    )
    return membership.user
