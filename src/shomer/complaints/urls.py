from django.urls import path

from shomer.complaints import views

urlpatterns = [
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/mine/", views.my_complaints, name="complaints-mine"),
    path("complaints/themes/", views.themes_page, name="complaint-themes"),
    path("complaints/themes/recompute/", views.recompute_themes, name="complaint-themes-recompute"),
    path("complaints/exposure/", views.exposure_page, name="staff-exposure"),
    path("complaints/<int:complaint_id>/", views.complaint_page, name="complaint"),
    path("complaints/<int:complaint_id>/acknowledge/", views.acknowledge, name="complaint-ack"),
    path("complaints/<int:complaint_id>/name/", views.name_employee, name="complaint-name"),
    path("complaints/<int:complaint_id>/involve/", views.add_participant, name="complaint-involve"),
    path("complaints/<int:complaint_id>/answer/", views.answer, name="complaint-answer"),
    path("complaints/<int:complaint_id>/meeting/", views.log_meeting, name="complaint-meeting"),
    path(
        "complaints/<int:complaint_id>/answer-for/", views.answer_for, name="complaint-answer-for"
    ),
    path(
        "complaints/<int:complaint_id>/investigate/",
        views.investigate,
        name="complaint-investigate",
    ),
    path("complaints/<int:complaint_id>/review/", views.review, name="complaint-review"),
    path("complaints/<int:complaint_id>/resolve/", views.resolve, name="complaint-resolve"),
    path("complaints/<int:complaint_id>/follow-up/", views.follow_up, name="complaint-follow-up"),
    path("complaints/<int:complaint_id>/reopen/", views.reopen, name="complaint-reopen"),
    path("tickets/<int:ticket_id>/complaint/", views.open_on_ticket, name="ticket-complaint"),
    path(
        "tickets/<int:ticket_id>/complaint/dismiss/",
        views.dismiss_proposal,
        name="ticket-complaint-dismiss",
    ),
    path("tickets/<int:ticket_id>/protect/", views.protect_page, name="ticket-protect"),
    path(
        "tickets/<int:ticket_id>/protect/reassign/",
        views.protect_reassign,
        name="ticket-protect-reassign",
    ),
    path(
        "tickets/<int:ticket_id>/protect/reply/", views.protect_reply, name="ticket-protect-reply"
    ),
]
